import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `fn` in a transaction and returns the sequential scans it made of `tables`: the backend's
 * not yet reported statistics (pg_stat_xact_user_tables, which may still hold earlier
 * transactions' counts) read before and after it. For specs that hold a read to its indexes.
 */
export async function seqScansOf<T>(ds: DataSource, tables: string[], fn: (m: EntityManager) => Promise<T>): Promise<{ result: T; scans: Record<string, number> }> {
  return ds.transaction(async (m) => {
    const read = async () =>
      new Map(((await m.query(`SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE relname = ANY($1)`, [tables])) as { relname: string; seq_scan: string }[]).map((r) => [r.relname, Number(r.seq_scan)]));
    const before = await read();
    const result = await fn(m);
    const after = await read();
    return { result, scans: Object.fromEntries(tables.map((t) => [t, (after.get(t) ?? 0) - (before.get(t) ?? 0)])) };
  });
}
