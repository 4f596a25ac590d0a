/**
 * Compiles only the `vuoro` command line (apps/cli/src/main.ts and what it imports) into a temporary
 * folder, so the CLI tests run the real program as a process without touching `dist/`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { buildProgram } from '../support/build-program.js';

export interface BuiltCli {
  dir: string;
  run(args: string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  remove(): void;
}

export function buildCli(): BuiltCli {
  const program = buildProgram('apps/cli/src/main.ts', 'cli');
  return {
    dir: program.dir,
    run: (args, env = {}) => spawnSync(process.execPath, [program.main, ...args], { cwd: program.dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env }, maxBuffer: 64 * 1024 * 1024 }),
    remove: program.remove,
  };
}
