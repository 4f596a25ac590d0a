import type { DataSource } from 'typeorm';
import type { Channel } from '../../../core/src/channel.js';

/** A queue an agent may transfer a contact of its channel to. */
export interface DirectoryQueueRow {
  id: string;
  name: string;
  channel: Channel;
  language: string | null;
  departmentId: string;
  departmentName: string;
}

/** A colleague as a transfer target: who they are, their state, and on which channels they could take a contact now. */
export interface DirectoryAgentRow {
  id: string;
  displayName: string;
  departmentId: string;
  departmentName: string;
  /** Their presence state; offline when they have never set one. */
  state: string;
  /** A break or offline asked for while working, taken when the agent's contacts end. */
  pendingState: string | null;
  canTakeNow: Record<Channel, boolean>;
}

/**
 * What an agent desk needs to offer a transfer: the queues and the colleagues (read-only, a few
 * columns). The "could take it now" flags are the condition the engines reserve under (a routable
 * state with no break or offline pending, no call in hand, room on the channel, a call only without chats and with a SIP URI), read
 * from the stored presence; the transfer itself checks again under its own lock.
 */
export abstract class DeskDirectoryRepository {
  abstract queues(channel: Channel | null): Promise<DirectoryQueueRow[]>;
  /** Active agents other than `exceptAgentId`, optionally only those of one department. */
  abstract agents(exceptAgentId: string, departmentId: string | null): Promise<DirectoryAgentRow[]>;
  /** The agent's department, or null when the agent does not exist. */
  abstract departmentOf(agentId: string): Promise<string | null>;
}

/** Offered new work: a routable state, and no break or offline asked for next (pending_state). */
const ROUTABLE = `p.state IN ('available', 'reserved', 'busy') AND p.pending_state IS NULL`;

export class TypeOrmDeskDirectoryRepository extends DeskDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async queues(channel: Channel | null): Promise<DirectoryQueueRow[]> {
    return this.dataSource.query(
      `SELECT q.id, q.name, q.channel, q.language, q.department_id AS "departmentId", d.name AS "departmentName"
         FROM queues q JOIN departments d ON d.id = q.department_id
        WHERE $1::text IS NULL OR q.channel = $1
        ORDER BY d.name, q.name, q.id`,
      [channel],
    );
  }

  async agents(exceptAgentId: string, departmentId: string | null): Promise<DirectoryAgentRow[]> {
    const rows: (Omit<DirectoryAgentRow, 'canTakeNow'> & { phone: boolean; chat: boolean; email: boolean })[] = await this.dataSource.query(
      `SELECT a.id, a.display_name AS "displayName", a.department_id AS "departmentId", d.name AS "departmentName",
              COALESCE(p.state, 'offline') AS state, p.pending_state AS "pendingState",
              COALESCE(${ROUTABLE} AND p.phone_load = 0 AND p.phone_load < p.phone_capacity AND p.chat_load = 0 AND a.phone_uri IS NOT NULL, false) AS phone,
              COALESCE(${ROUTABLE} AND p.phone_load = 0 AND p.chat_load < p.chat_capacity, false) AS chat,
              COALESCE(${ROUTABLE} AND p.phone_load = 0 AND p.email_load < p.email_capacity, false) AS email
         FROM agents a
         JOIN departments d ON d.id = a.department_id
         LEFT JOIN agent_presence p ON p.agent_id = a.id
        WHERE a.active AND a.id <> $1 AND ($2::uuid IS NULL OR a.department_id = $2)
        ORDER BY d.name, a.display_name, a.id`,
      [exceptAgentId, departmentId],
    );
    return rows.map(({ phone, chat, email, ...r }) => ({ ...r, canTakeNow: { phone: Boolean(phone), chat: Boolean(chat), email: Boolean(email) } }));
  }

  async departmentOf(agentId: string): Promise<string | null> {
    const rows: { departmentId: string }[] = await this.dataSource.query(`SELECT department_id AS "departmentId" FROM agents WHERE id = $1`, [agentId]);
    return rows[0]?.departmentId ?? null;
  }
}
