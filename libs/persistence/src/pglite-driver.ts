/**
 * A `pg`-compatible driver module over an embedded PGlite database, for TypeORM's postgres driver.
 *
 * PGlite is a single session. TypeORM expects a pool whose clients are exclusive while checked out
 * (a transaction runs on one client from BEGIN to COMMIT). The pool below hands the one session to
 * one holder at a time and queues the others — the semantics of a `pg` pool with `max: 1` — so
 * concurrent requests never interleave statements inside each other's transactions.
 */
import { EventEmitter } from 'node:events';
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

export function openPGlite(dataDir: string): Promise<PGlite> {
  let instance = instances.get(dataDir);
  if (!instance) {
    instance = PGlite.create(dataDir === 'memory://' ? undefined : dataDir, { parsers: PG_COMPATIBLE_PARSERS });
    instances.set(dataDir, instance);
  }
  return instance;
}

export async function closePGlite(dataDir: string): Promise<void> {
  const instance = instances.get(dataDir);
  if (!instance) return;
  instances.delete(dataDir);
  await (await instance).close();
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
