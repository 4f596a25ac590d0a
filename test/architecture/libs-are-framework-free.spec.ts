import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Domain logic in libs/ imports no framework: routing, forecasting, staffing and planning stay plain TypeScript. */
const FORBIDDEN = /from\s+['"](@nestjs\/[^'"]*|typeorm[^'"]*|pg|@electric-sql\/[^'"]*|express|class-validator|class-transformer|rxjs)['"]/;
const ADAPTER_LIBS = new Set(['persistence']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('libs are framework-free', () => {
  const root = join(process.cwd(), 'libs');
  const domainLibs = readdirSync(root).filter((name) => !ADAPTER_LIBS.has(name));

  it('finds the domain libs', () => {
    expect(domainLibs).toEqual(expect.arrayContaining(['core', 'calendar', 'routing', 'staffing', 'forecasting', 'demo-data']));
  });

  it('no domain lib imports Nest, TypeORM, a database driver or a web framework', () => {
    const offenders = domainLibs.flatMap((lib) =>
      files(join(root, lib)).flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => FORBIDDEN.test(line))
          .map((line) => `${relative(process.cwd(), file)}: ${line.trim()}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('no domain lib imports from apps/ or from the persistence adapter', () => {
    const offenders = domainLibs.flatMap((lib) =>
      files(join(root, lib)).filter((file) => /from\s+['"][./]+(apps|libs\/persistence|persistence)\//.test(readFileSync(file, 'utf8'))),
    );
    expect(offenders).toEqual([]);
  });
});
