/**
 * The routing owner's address (table routing_owner, one row): written by the instance that takes
 * the routing advisory lock, read by the others to forward routing operations to it.
 */
import type { SqlSession } from './routing-writer.js';

export interface OwnerAddress {
  /** The owning process (a new id per start). */
  instanceId: string;
  /** Base URL the other instances call; null when the owner does not know where it listens. */
  url: string | null;
  /** Shared secret a forwarded request must carry (at least 32 characters). */
  secret: string;
}

/** Records `owner` as the routing owner (replacing the previous one). */
export async function publishOwner(session: SqlSession, owner: OwnerAddress): Promise<void> {
  await session.query(
    `INSERT INTO routing_owner (id, instance_id, url, secret, since) VALUES (1, $1, $2, $3, now())
     ON CONFLICT (id) DO UPDATE SET instance_id = EXCLUDED.instance_id, url = EXCLUDED.url, secret = EXCLUDED.secret, since = EXCLUDED.since`,
    [owner.instanceId, owner.url, owner.secret],
  );
}

/** The last published owner, or null if none ever was. */
export async function readOwner(session: SqlSession): Promise<OwnerAddress | null> {
  const rows = (await session.query('SELECT instance_id, url, secret FROM routing_owner WHERE id = 1', [])) as { instance_id: string; url: string | null; secret: string }[];
  return rows.length ? { instanceId: rows[0].instance_id, url: rows[0].url, secret: rows[0].secret } : null;
}
