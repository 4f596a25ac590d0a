/**
 * A `pg`-compatible driver module over an embedded PGlite database, for TypeORM's postgres driver.
 *
 * PGlite is a single session. TypeORM expects a pool whose clients are exclusive while checked out
 * (a transaction runs on one client from BEGIN to COMMIT). The pool below hands the one session to
 * one holder at a time and queues the others — the semantics of a `pg` pool with `max: 1` — so
 * concurrent requests never interleave statements inside each other's transactions.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

type ConnectCallback = (err: Error | null, client: PGliteClient | null, release: (err?: unknown) => void) => void;

/** Parse like `pg` does by default, so embedded and server modes return the same JavaScript values. */
const PG_COMPATIBLE_PARSERS = {
  [types.INT8]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
};

function commandOf(sql: string): string {
  const match = /^\s*(?:--[^\n]*\n\s*)*(\w+)/.exec(sql);
  return match ? match[1].toUpperCase() : '';
}

class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  /** Promise style (`query(text, values)`) as TypeORM uses it, and callback style (`query(text, cb)`). */
  query(
    sql: string | { text: string; values?: unknown[] },
    params?: unknown[] | ((err: Error | null, result?: PgLikeResult) => void),
    callback?: (err: Error | null, result?: PgLikeResult) => void,
  ): Promise<PgLikeResult> {
    const cb = typeof params === 'function' ? params : callback;
    const promise = this.run(sql, typeof params === 'function' ? undefined : params);
    if (cb) promise.then((r) => cb(null, r), (e: Error) => cb(e));
    return promise;
  }

  private async run(sql: string | { text: string; values?: unknown[] }, params?: unknown[]): Promise<PgLikeResult> {
    const text = typeof sql === 'string' ? sql : sql.text;
    const values = typeof sql === 'string' ? params : (sql.values ?? params);
    if (values && values.length > 0) {
      const result = await this.db.query(text, values);
      return {
        rows: result.rows,
        rowCount: result.affectedRows ?? result.rows.length,
        command: commandOf(text),
        fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
      };
    }
    // Without parameters the text may hold several statements (migrations); the last result counts.
    const results = await this.db.exec(text);
    const last = results[results.length - 1];
    return {
      rows: last?.rows ?? [],
      rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
      command: commandOf(text),
      fields: (last?.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    };
  }

  release(): void {
    /* released through the callback handed out by the pool */
  }
}

/** The embedded databases opened in this process, by data directory (one PGlite per folder). */
const instances = new Map<string, Promise<PGlite>>();

/** The file in a data folder naming the process that has it open (see lockDataDir). */
export const DATA_DIR_LOCK_FILE = 'vuoro.pid';

/** The embedded database's folder is open in another process (the message says which, and what to do). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by another Vuoro process (pid ${pid}): PGlite is one process's database, ` +
        `and what a second process wrote there would be lost when the first one next writes. Stop that process first ` +
        `(e.g. the running \`npm start\`), or point both at a PostgreSQL server with DATABASE_URL.`,
    );
    this.name = 'DataDirInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a data folder for this process: PGlite keeps the database in the process's memory and writes
 * the folder back as it goes, so two processes on one folder (the service and `npm run vuoro --
 * import-history`) each work on their own copy and one's writes are lost. A lock file names the
 * owner's pid; a live owner other than this process is refused, a dead one's lock is taken over.
 */
function lockDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DATA_DIR_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(file, 'utf8').trim());
    } catch {
      /* removed meanwhile: try again */
    }
    if (owner === process.pid) return;
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) throw new DataDirInUseError(dataDir, owner);
    try {
      unlinkSync(file); // a dead process's lock (a crash, a kill -9)
    } catch {
      /* another process took it over first: the next attempt sees whose it is */
    }
  }
  throw new Error(`could not claim the embedded database in ${dataDir} (${DATA_DIR_LOCK_FILE} keeps changing hands)`);
}

function unlockDataDir(dataDir: string): void {
  const file = join(dataDir, DATA_DIR_LOCK_FILE);
  try {
    if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
  } catch {
    /* already gone */
  }
}

const locked = new Set<string>();
process.once('exit', () => {
  for (const dir of locked) unlockDataDir(dir);
});

export function openPGlite(dataDir: string): Promise<PGlite> {
  let instance = instances.get(dataDir);
  if (!instance) {
    if (dataDir !== 'memory://') {
      try {
        lockDataDir(dataDir);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      locked.add(dataDir);
    }
    instance = PGlite.create(dataDir === 'memory://' ? undefined : dataDir, { parsers: PG_COMPATIBLE_PARSERS });
    instances.set(dataDir, instance);
  }
  return instance;
}

export async function closePGlite(dataDir: string): Promise<void> {
  const instance = instances.get(dataDir);
  if (!instance) return;
  instances.delete(dataDir);
  try {
    await (await instance).close();
  } finally {
    if (locked.delete(dataDir)) unlockDataDir(dataDir);
  }
}

/** Builds the module object TypeORM's `driver` option expects (`{ Pool }`), bound to one data folder. */
export function pgliteDriverModule(dataDir: string): { Pool: new () => EventEmitter } {
  class PGlitePool extends EventEmitter {
    private holder: Promise<void> = Promise.resolve();

    connect(callback: ConnectCallback): void {
      let releaseLock!: () => void;
      const previous = this.holder;
      this.holder = new Promise<void>((resolve) => (releaseLock = resolve));
      previous
        .then(() => openPGlite(dataDir))
        .then(
          (db) => {
            let released = false;
            callback(null, new PGliteClient(db), () => {
              if (!released) {
                released = true;
                releaseLock();
              }
            });
          },
          (err: Error) => {
            releaseLock();
            callback(err, null, () => undefined);
          },
        );
    }

    end(callback?: (err: Error | null) => void): void {
      closePGlite(dataDir).then(
        () => callback?.(null),
        (err: Error) => callback?.(err),
      );
    }
  }
  return { Pool: PGlitePool };
}
