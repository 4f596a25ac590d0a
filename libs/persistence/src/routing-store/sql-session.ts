/**
 * The two ways to give the routing writer and loader their one database session (SqlSession).
 */
import { createHash } from 'node:crypto';
import type { SqlSession } from './routing-writer.js';
import type { EntityManager } from 'typeorm';
import { rowsOf } from '../query-rows.js';

/** What is used of a node-postgres Client: a query by named (prepared) statement, or a plain one. */
interface PgClientLike {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
}

const statementNames = new Map<string, string>();

/** A stable name per SQL text: PostgreSQL parses a named statement once per connection. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `vuoro_store_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    if (statementNames.size >= 5000) statementNames.clear();
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * A dedicated node-postgres Client (connected, used by nobody else). Statements with parameters
 * are prepared once on the connection; those without (SET) are sent as they are.
 */
export function pgClientSession(client: PgClientLike): SqlSession {
  const session: SqlSession = {
    async query(sql, params) {
      const result = params && params.length ? await client.query({ name: statementName(sql), text: sql, values: params }) : await client.query({ text: sql });
      return result.rows;
    },
    async transaction(fn) {
      await client.query({ text: 'BEGIN' });
      try {
        const out = await fn(session);
        await client.query({ text: 'COMMIT' });
        return out;
      } catch (err) {
        await client.query({ text: 'ROLLBACK' }).catch(() => undefined);
        throw err;
      }
    },
  };
  return session;
}

/**
 * TypeORM's `query`: the DataSource on the embedded PGlite database (one session, so every call
 * reaches the same one; a QueryRunner there would hold it and block the rest of the service), or a
 * connected QueryRunner on a PostgreSQL server (a DataSource there is a pool: `SET` would land on
 * one connection and the writes on others).
 */
export function typeormSession(queryable: {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  transaction?: <T>(fn: (manager: EntityManager) => Promise<T>) => Promise<T>;
}): SqlSession {
  return {
    async query(sql, params) {
      return rowsOf<unknown>(await queryable.query(sql, params));
    },
    // A DataSource's transaction holds the embedded database's one session for its statements only.
    ...(queryable.transaction ? { transaction: <T>(fn: (s: SqlSession) => Promise<T>) => queryable.transaction!((m) => fn(typeormSession(m))) } : {}),
  };
}
