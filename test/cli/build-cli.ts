/**
 * Compiles only the `vuoro` command line (apps/cli/src/main.ts and what it imports) into a temporary
 * folder, so the CLI tests run the real program as a process without touching `dist/`.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(process.cwd());

export interface BuiltCli {
  dir: string;
  run(args: string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  remove(): void;
}

export function buildCli(): BuiltCli {
  const dir = mkdtempSync(join(tmpdir(), 'vuoro-cli-test-'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(REPO, 'tsconfig.build.json'),
      compilerOptions: { outDir: join(dir, 'dist'), rootDir: REPO, sourceMap: false, typeRoots: [join(REPO, 'node_modules/@types')] },
      include: [],
      files: [join(REPO, 'apps/cli/src/main.ts')],
    }),
  );
  execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe' });
  const main = join(dir, 'dist/apps/cli/src/main.js');
  return {
    dir,
    run: (args, env = {}) => spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env }, maxBuffer: 64 * 1024 * 1024 }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
