import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm ci` (the first of the README's commands, and CI's) rejects a lock that lacks an entry for any
 * optional dependency. This machine's registry does not serve other platforms' binaries, so a plain
 * `npm install` drops them: `npm run lockfile:complete` puts them back. This test says so early.
 */
describe('package-lock.json', () => {
  it('has an entry for every optional dependency, so npm ci accepts it on a fresh clone', () => {
    const lock = JSON.parse(readFileSync(join(process.cwd(), 'package-lock.json'), 'utf8')) as { packages: Record<string, { optionalDependencies?: Record<string, string> }> };
    const missing = Object.entries(lock.packages).flatMap(([location, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((dep) => !lock.packages[`${location ? `${location}/` : ''}node_modules/${dep}`] && !lock.packages[`node_modules/${dep}`])
        .map((dep) => `${location || '(root)'} → ${dep}`),
    );
    expect(missing).toEqual([]);
  });
});
