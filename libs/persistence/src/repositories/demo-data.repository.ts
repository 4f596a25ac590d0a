import type { DataSource, EntityManager } from 'typeorm';
import type { DemoContactHistory } from '../../../demo-data/src/contact-history.js';
import type { DemoData } from '../../../demo-data/src/generate-demo-data.js';

export interface DemoDataSummary {
  departments: number;
  agents: number;
  queues: number;
  intervals: number;
  letterBatches: number;
  /** Routed contacts of the history (contactHistoryDays), with their timelines. */
  contacts: number;
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
      await insertDemoPlan(tx, data, departmentId, agentId, queueId);
      await insertContactHistory(tx, data.contactHistory, agentId, queueId);
      return {
        departments: data.departments.length, agents: data.agents.length, queues: data.queues.length, intervals: data.history.length, letterBatches: data.letterBatches.length,
        contacts: data.contactHistory.contacts.length,
      };
    });
  }
}

/** The published plan of the spike day's week: templates, contracts, minimum staffing, schedules and shifts. */
async function insertDemoPlan(tx: EntityManager, data: DemoData, departmentId: Map<string, string>, agentId: Map<string, string>, queueId: Map<string, string>): Promise<void> {
  const plan = data.planning;
  const templateId = new Map<string, string>();
  for (const t of plan.templates) {
    const [row] = await tx.query(
      `INSERT INTO shift_templates (department_id, name, earliest_start_minutes, latest_start_minutes, start_step_minutes, length_minutes, breaks, weekdays)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) RETURNING id`,
      [departmentId.get(t.departmentKey), t.name, t.earliestStartMinutes, t.latestStartMinutes, t.startStepMinutes, t.lengthMinutes, JSON.stringify(t.breaks), JSON.stringify(t.weekdays)],
    );
    templateId.set(`${t.departmentKey}/${t.name}`, row.id);
  }
  await insertChunked(
    tx,
    'employee_contracts',
    ['agent_id', 'max_weekly_hours', 'min_weekly_hours', 'min_shift_minutes', 'max_shift_minutes', 'min_days_off_per_week', 'min_rest_minutes', 'availability', 'time_off'],
    plan.contracts.map((c) => [agentId.get(c.employeeNumber), c.maxWeeklyHours, c.minWeeklyHours, c.minShiftMinutes, c.maxShiftMinutes, c.minDaysOffPerWeek, c.minRestMinutes, null, '[]']),
  );
  await insertChunked(tx, 'department_planning_settings', ['department_id', 'min_staff_on_shift'], plan.minStaff.map((m) => [departmentId.get(m.departmentKey), JSON.stringify(m.windows)]));
  for (const s of plan.schedules) {
    const demands = s.demands.map((d) => ({ queueId: d.queueKey === null ? null : queueId.get(d.queueKey), channel: d.channel, required: d.required, shrinkage: 0, ...(d.forecast ? { forecast: d.forecast } : {}) }));
    const figures = { solverStatus: 'demo greedy', patterns: 0, mipStaffHours: s.staffHours, lpStaffHours: 0, mipObjective: s.staffHours, lpObjective: null, gapToLpBound: 0, assignedStaffHours: s.staffHours, unassignedShifts: 0, timeLimitSeconds: 0, seconds: 0 };
    const [row] = await tx.query(
      `INSERT INTO schedules (department_id, week_start, status, time_zone, interval_minutes, demands, figures, generated_by, generated_at, published_at)
       VALUES ($1, $2, 'published', $3, 15, $4::jsonb, $5::jsonb, 'demo data', now(), now()) RETURNING id`,
      [departmentId.get(s.departmentKey), plan.weekStart, data.calendars[0]?.timeZone ?? 'Europe/Helsinki', JSON.stringify(demands), JSON.stringify(figures)],
    );
    await tx.query(
      `INSERT INTO schedule_shifts (schedule_id, agent_id, queue_id, template_id, starts_at, ends_at, breaks)
       SELECT $1, a, q, t, s, e, b FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::jsonb[]) AS x(a, q, t, s, e, b)`,
      [
        row.id,
        s.shifts.map((x) => agentId.get(x.employeeNumber)),
        s.shifts.map((x) => (x.queueKey === null ? null : queueId.get(x.queueKey))),
        s.shifts.map((x) => templateId.get(`${s.departmentKey}/${x.templateName}`)),
        s.shifts.map((x) => x.startsAt.toISOString()),
        s.shifts.map((x) => x.endsAt.toISOString()),
        s.shifts.map((x) => JSON.stringify(x.breaks.map((b) => ({ name: b.name, paid: b.paid, startsAt: b.startsAt.toISOString(), endsAt: b.endsAt.toISOString() })))),
      ],
    );
  }
}

/** Rows per multi-row INSERT of the contact history. */
const HISTORY_CHUNK = 500;

/**
 * Multi-row INSERTs of `chunk` rows each, one array parameter per column (`unnest`): on PGlite the
 * cost of binding thousands of scalar parameters per statement was most of the load time.
 */
async function insertUnnest(
  tx: EntityManager,
  table: string,
  columns: [name: string, type: string][],
  rows: unknown[][],
  constants: Record<string, string> = {},
  chunk = HISTORY_CHUNK,
): Promise<void> {
  const names = [...columns.map(([name]) => name), ...Object.keys(constants)].join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const values = ['x.*', ...Object.values(constants)].join(', ');
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await tx.query(`INSERT INTO ${table} (${names}) SELECT ${values} FROM unnest(${arrays}) AS x`, columns.map((_, c) => part.map((row) => row[c])));
  }
}

/**
 * The routed contact history: customers, contacts, reservations, timelines and the agents' state
 * spans, in multi-row inserts of HISTORY_CHUNK rows. The generator speaks in employee numbers and
 * queue keys; here they become ids, and the ids the engine writes into the timeline (the queue of
 * `queued`, the agent's accept explanation) are added.
 * - Contacts go in already finished (or, an open email, queued). The feedback trigger
 *   (contacts_feedback_ended) fires on an UPDATE of the status only, so these week-old contacts
 *   create no survey candidates: sampling them would send survey invitations days after the
 *   contact (to fake numbers), which is not how the surveys work; NPS stays empty until live
 *   contacts end.
 * - Agent states: agent_presence is not touched (every agent starts offline); the spans its trigger
 *   would have written go straight into report_agent_states, which the occupancy roll-up reads.
 * The report roll-ups are not written here: the roll-up job (or the first report) builds them from
 * these timelines with the same code as for live contacts.
 */
async function insertContactHistory(tx: EntityManager, h: DemoContactHistory, agentId: Map<string, string>, queueId: Map<string, string>): Promise<void> {
  if (!h.contacts.length) return;
  const agent = (employeeNumber: string | null): string | null => {
    if (employeeNumber === null) return null;
    const id = agentId.get(employeeNumber);
    if (!id) throw new Error(`demo contact history names an unknown agent ${employeeNumber}`);
    return id;
  };
  const at = (d: Date | null): string | null => (d ? d.toISOString() : null);
  await insertUnnest(
    tx,
    'customers',
    [['id', 'uuid'], ['phone_number', 'text'], ['external_ref', 'text'], ['last_agent_id', 'uuid'], ['last_contact_at', 'timestamptz']],
    h.customers.map((c) => [c.id, c.phoneNumber, c.ref, agent(c.lastAgent), at(c.lastContactAt)]),
  );
  await insertUnnest(
    tx,
    'contacts',
    [
      ['id', 'uuid'], ['channel', 'text'], ['kind', 'text'], ['status', 'text'], ['queue_id', 'uuid'], ['call_id', 'text'], ['decision_id', 'uuid'], ['decision', 'jsonb'],
      ['customer_id', 'uuid'], ['customer_ref', 'text'], ['caller_name', 'text'], ['called_number', 'text'], ['language', 'text'], ['subject', 'text'],
      ['arrived_at', 'timestamptz'], ['deadline', 'timestamptz'], ['priority_boost_seconds', 'int'], ['previous_agent_id', 'uuid'], ['offer_attempts', 'int'],
      ['agent_id', 'uuid'], ['answered_at', 'timestamptz'], ['ended_at', 'timestamptz'], ['end_reason', 'text'], ['explanation', 'json'],
      ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
    ],
    h.contacts.map((c) => {
      const queue = queueId.get(c.queueKey)!;
      const d = c.decision;
      const decision = d === null ? null
        : d.decision === 'agent' ? { decisionId: d.decisionId, decision: 'agent', agentId: agent(d.agent), target: d.target }
        : { decisionId: d.decisionId, decision: 'queue', queueId: queue, position: d.position, estimatedWaitSeconds: d.estimatedWaitSeconds };
      return [
        c.id, c.channel, c.kind, c.status, queue, c.callId, c.decisionId, decision === null ? null : JSON.stringify(decision), h.customers[c.customer].id, c.customerRef, null,
        c.calledNumber, c.language, c.subject, at(c.arrivedAt), at(c.deadline), 0, agent(c.previousAgent), c.offerAttempts, agent(c.agent), at(c.answeredAt),
        at(c.endedAt), c.endReason, JSON.stringify(c.explanation), at(c.arrivedAt), at(c.endedAt ?? c.arrivedAt),
      ];
    }),
    { excluded_agent_ids: `'{}'::uuid[]` },
  );
  await insertUnnest(
    tx,
    'reservations',
    [['id', 'uuid'], ['contact_id', 'uuid'], ['agent_id', 'uuid'], ['channel', 'text'], ['status', 'text'], ['offered_at', 'timestamptz'], ['expires_at', 'timestamptz'], ['resolved_at', 'timestamptz']],
    h.contacts.flatMap((c) => c.reservations.map((r) => [r.id, c.id, agent(r.agent), r.channel, r.status, at(r.offeredAt), at(r.expiresAt), at(r.resolvedAt)])),
  );
  await insertUnnest(
    tx,
    'contact_events',
    [['contact_id', 'uuid'], ['at', 'timestamptz'], ['type', 'text'], ['agent_id', 'uuid'], ['reservation_id', 'uuid'], ['detail', 'jsonb']],
    h.contacts.flatMap((c) =>
      c.events.map((e) => {
        const agentOfEvent = agent(e.agent);
        let detail = e.detail;
        if (e.type === 'queued') detail = { queueId: queueId.get(c.queueKey), ...detail };
        if (e.byAgent) detail = { explanation: `agent ${agentOfEvent} accepted contact ${c.id}` };
        return [c.id, at(e.at), e.type, agentOfEvent, e.reservation === null ? null : c.reservations[e.reservation].id, detail === null ? null : JSON.stringify(detail)];
      }),
    ),
  );
  await insertUnnest(
    tx,
    'report_agent_states',
    [['agent_id', 'uuid'], ['state', 'text'], ['started_at', 'timestamptz'], ['ended_at', 'timestamptz']],
    h.agentStates.map((s) => [agent(s.agent), s.state, at(s.from), at(s.to)]),
  );
}
