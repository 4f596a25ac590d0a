import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * `Math.min(...values)` / `Math.max(...values)` put every value on the call stack, which overflows
 * above ~100,000 of them (a forecast's three years of quarter-hours are 105,000): libs/ take the
 * least or greatest of an array with libs/core minOf / maxOf. Specs may spread their small arrays.
 */
const SPREAD = /Math\.(min|max)\([^)]*\.\.\./;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('no spread min/max in libs', () => {
  it('finds none outside comments', () => {
    const offenders = files(join(process.cwd(), 'libs')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => SPREAD.test(line) && !/^\s*(\*|\/\/|\/\*)/.test(line))
        .map((line) => `${relative(process.cwd(), file)}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
