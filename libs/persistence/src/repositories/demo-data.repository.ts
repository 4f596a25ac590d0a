import type { DataSource, EntityManager } from 'typeorm';
import type { DemoData } from '../../../demo-data/src/generate-demo-data.js';

export interface DemoDataSummary {
  departments: number;
  agents: number;
  queues: number;
  intervals: number;
  letterBatches: number;
}

/** Advisory-lock key for loading reference data: two instances starting together seed once. */
const SEED_LOCK_KEY = 7_450_001;

export abstract class DemoDataRepository {
  /** Inserts the demo data in one transaction when the database holds no departments yet; returns null otherwise. */
  abstract loadIntoEmptyDatabase(data: DemoData): Promise<DemoDataSummary | null>;
}

async function insertChunked(tx: EntityManager, table: string, columns: string[], rows: unknown[][], chunk = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const params: unknown[] = [];
    const tuples = part.map((row) => `(${row.map((value) => (params.push(value), `$${params.length}`)).join(', ')})`);
    await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

export class TypeOrmDemoDataRepository extends DemoDataRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  loadIntoEmptyDatabase(data: DemoData): Promise<DemoDataSummary | null> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      const [{ count }] = await tx.query('SELECT count(*)::int AS count FROM departments');
      if (Number(count) > 0) return null;

      const departmentId = new Map<string, string>();
      for (const d of data.departments) {
        const [row] = await tx.query('INSERT INTO departments (key, name, kind) VALUES ($1, $2, $3) RETURNING id', [d.key, d.name, d.kind]);
        departmentId.set(d.key, row.id);
      }
      await insertChunked(tx, 'skills', ['key', 'kind', 'name'], data.skills.map((s) => [s.key, s.kind, s.name]));
      const calendarId = new Map<string, string>();
      for (const c of data.calendars) {
        const [row] = await tx.query(
          'INSERT INTO business_calendars (key, name, time_zone, holiday_region, opening_hours) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id',
          [c.key, c.name, c.timeZone, c.holidayRegion, JSON.stringify(c.openingHours)],
        );
        calendarId.set(c.key, row.id);
      }
      const agentRows = await tx.query(
        `INSERT INTO agents (employee_number, display_name, department_id, phone_uri, time_zone, phone_capacity, chat_capacity, email_capacity)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::smallint[], $7::smallint[], $8::smallint[])
         RETURNING id, employee_number`,
        [
          data.agents.map((a) => a.employeeNumber),
          data.agents.map((a) => a.displayName),
          data.agents.map((a) => departmentId.get(a.departmentKey)),
          data.agents.map((a) => a.phoneUri),
          data.agents.map((a) => a.timeZone),
          data.agents.map((a) => a.capacity.phone),
          data.agents.map((a) => a.capacity.chat),
          data.agents.map((a) => a.capacity.email),
        ],
      );
      const agentId = new Map<string, string>(agentRows.map((r: { id: string; employee_number: string }) => [r.employee_number, r.id]));
      await insertChunked(tx, 'agent_skills', ['agent_id', 'skill_key', 'proficiency'], data.agents.flatMap((a) => a.skills.map((s) => [agentId.get(a.employeeNumber), s.skill, s.proficiency])));

      const queueId = new Map<string, string>();
      for (const q of data.queues) {
        const [row] = await tx.query(
          `INSERT INTO queues (key, name, department_id, channel, language, calendar_id, target_percent, target_seconds, target_basis)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [q.key, q.name, departmentId.get(q.departmentKey), q.channel, q.language, calendarId.get(q.calendarKey), q.target.percent, q.target.seconds, q.target.basis],
        );
        queueId.set(q.key, row.id);
      }
      await insertChunked(tx, 'queue_skills', ['queue_id', 'skill_key', 'min_proficiency'], data.queues.flatMap((q) => q.requiredSkills.map((s) => [queueId.get(q.key), s.skill, s.minProficiency])));
      await insertChunked(tx, 'entry_points', ['called_number', 'name', 'queue_id'], data.entryPoints.map((e) => [e.calledNumber, e.name, queueId.get(e.queueKey)]));
      await insertChunked(tx, 'letter_batches', ['department_id', 'sent_on', 'letters', 'description'], data.letterBatches.map((b) => [departmentId.get(b.departmentKey), b.sentOn, b.letters, b.description]));

      // History in large unnest batches: tens of thousands of rows, fast on both PostgreSQL and PGlite.
      const chunk = 5000;
      for (let i = 0; i < data.history.length; i += chunk) {
        const part = data.history.slice(i, i + chunk);
        await tx.query(
          `INSERT INTO interval_statistics (queue_id, interval_minutes, interval_start, offered, answered, abandoned, answered_within_target, aht_seconds, source)
           SELECT q, 15, s, o, a, b, w, h, 'demo' FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::int[], $5::int[], $6::int[], $7::numeric[]) AS t(q, s, o, a, b, w, h)`,
          [
            part.map((h) => queueId.get(h.queueKey)),
            part.map((h) => h.intervalStart.toISOString()),
            part.map((h) => h.offered),
            part.map((h) => h.answered),
            part.map((h) => h.abandoned),
            part.map((h) => h.answeredWithinTarget),
            part.map((h) => h.ahtSeconds),
          ],
        );
      }
      return { departments: data.departments.length, agents: data.agents.length, queues: data.queues.length, intervals: data.history.length, letterBatches: data.letterBatches.length };
    });
  }
}
