/**
 * Compiles one program of the repository (an entry file and what it imports) into a temporary
 * folder, so a test can run the real program as a process of its own — to read its output, or to
 * kill it — without touching `dist/`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(process.cwd());

export interface BuiltProgram {
  dir: string;
  /** The compiled entry file. */
  main: string;
  remove(): void;
}

/** `entry`: the program's entry file, relative to the repository (e.g. `apps/cli/src/main.ts`). */
export function buildProgram(entry: string, tag: string): BuiltProgram {
  const dir = mkdtempSync(join(tmpdir(), `vuoro-${tag}-test-`));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(REPO, 'tsconfig.build.json'),
      compilerOptions: { outDir: join(dir, 'dist'), rootDir: REPO, sourceMap: false, typeRoots: [join(REPO, 'node_modules/@types')] },
      include: [],
      files: [join(REPO, entry)],
    }),
  );
  execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe' });
  return { dir, main: join(dir, 'dist', entry.replace(/\.ts$/, '.js')), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
