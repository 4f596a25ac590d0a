/**
 * Keeps the report roll-ups up to date from the contact timelines, incrementally:
 * - the `contact-events` feed: events after the watermark name the contacts that changed; each
 *   finished contact not yet counted gets its facts (libs/reports contactFacts) and its contribution
 *   is added to the queue rows of every grain and to the agent rows of AGENT_ROLLUP_GRAINS (an agent's
 *   weeks and quarters are added up when read); the repeat-contact check flags earlier
 *   contacts of the same customer; a contact's first `queued` event adds it to its queue's
 *   `arrived` at once, so a report shows what came in before it finishes; open emails are kept in the backlog table;
 * - the `agent-states` feed: agent state spans (written by the routing writer, or by the trigger on
 *   agent_presence for other writers) add staffed and occupied
 *   seconds to the agents' rows for occupancy.
 * One batch (up to `batchSize` events) is one transaction (facts, roll-ups and the watermark
 * together), so a crash never counts a contact twice or loses one. Within a batch the contributions
 * of all its contacts are summed in memory per roll-up row (grain × period × queue, or × agent and
 * queue: RollupDelta) and written with one multi-row upsert per table, so a backfill of a year costs
 * about one row write per contact, not one per contact and grain. Only the instance holding the advisory lock runs it. The job reads
 * the contact feed every REFRESH_MS and the agent-state feed every STATES_EVERY_MS; a report also brings both up to date
 * before it reads them (waiting for a run in flight: catchUp).
 */
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { advanceFeed } from '../../../../libs/reports/src/feed.js';
import { arrivalTime, contactFacts, isFinished, type ContactFact, type TimelineEvent } from '../../../../libs/reports/src/contact-facts.js';
import { REPEAT_WINDOW_DAYS } from '../../../../libs/reports/src/figures.js';
import { RollupDelta, emptyMetrics } from '../../../../libs/reports/src/rollup.js';
import { splitSpan } from '../../../../libs/reports/src/agent-time.js';
import { AGENT_ROLLUP_GRAINS, REPORT_TIME_ZONE } from '../../../../libs/reports/src/periods.js';
import { ReportsRepository, type AgentRollupDelta, type FeedItem, type ReportsTx, type RollupGrain } from '../../../../libs/persistence/src/repositories/reports.repository.js';
import { IntervalJob } from '../common/interval-job.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingCatalog } from '../routing/routing-catalog.js';
import { ReportRollupThread } from './report-rollup-thread.js';
import type { BusinessCalendar } from '../../../../libs/calendar/src/business-calendar.js';

/** Advisory lock key of the report roll-up job ("vrep"). */
export const REPORTS_JOB_LOCK = 0x76_72_65_70;
/** Agent rows that carry staffed/occupied time (not tied to a queue) use this queue id. */
export const NO_QUEUE = '00000000-0000-0000-0000-000000000000';

/**
 * The roll-up's JavaScript yields to the event loop after this many milliseconds when its caller asks
 * for yields (the scheduled job in the API's own thread, on the embedded database): a batch's
 * transaction stays open across the yields, but no routing request waits behind more than this much
 * of the roll-up's own work at a time. Each request still waited behind a slice at nearly every step
 * (read, route, commit, answer), which is why on a PostgreSQL server the job has a thread of its own.
 */
const SLICE_MS = 3;

/** Yields to the event loop once the current slice of synchronous work is used up (`due()` is awaited once per item). */
class Slicer {
  private last = performance.now();

  constructor(private readonly enabled: boolean) {}

  async due(): Promise<void> {
    if (this.enabled && performance.now() - this.last >= SLICE_MS) await this.now();
  }

  /** Yields now (between batches). */
  async now(): Promise<void> {
    if (!this.enabled) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

/** A batch met an email queue whose calendar was not read before its transaction (see emailCalendars). */
class UnknownEmailQueue extends Error {}

export interface RefreshResult {
  ran: boolean;
  events: number;
  facts: number;
  spans: number;
}

@Injectable()
export class RefreshReportRollups {
  private readonly logger = new Logger('RefreshReportRollups');
  /** Events read per batch (one transaction). */
  batchSize = 20_000;

  constructor(
    private readonly repo: ReportsRepository,
    private readonly catalog: RoutingCatalog,
  ) {}

  /**
   * Reads the feeds up to their heads (or `maxBatches` batches each). Null-safe with several instances.
   * `batchSize` (default `this.batchSize`) bounds the events of one batch; `yieldBetween` lets the
   * event loop serve requests between batches and within them (the scheduled job: see
   * ReportRollupJob.STEP_EVENTS); `stop` ends the run after the batch in flight (shutdown); `states`:
   * false leaves the agent-state feed for a later run, or gives its batch size.
   */
  async execute(
    maxBatches = Number.POSITIVE_INFINITY,
    opts: { batchSize?: number; yieldBetween?: boolean; stop?: () => boolean; states?: false | { batchSize: number } } = {},
  ): Promise<RefreshResult> {
    const size = opts.batchSize ?? this.batchSize;
    const slicer = new Slicer(opts.yieldBetween === true);
    const out = await this.repo.exclusively(REPORTS_JOB_LOCK, async () => {
      const total = { ran: true, events: 0, facts: 0, spans: 0 };
      let calendars = await this.emailCalendars();
      for (let i = 0; i < maxBatches; i++) {
        let r: { events: number; facts: number };
        try {
          r = await this.repo.transaction((tx) => this.contactBatch(tx, size, calendars, slicer));
        } catch (err) {
          if (!(err instanceof UnknownEmailQueue)) throw err;
          // An email queue created after the calendars were read: read them again and redo the batch
          // (a queue still unknown then is counted without business hours rather than stopping the job).
          calendars = await this.emailCalendars();
          r = await this.repo.transaction((tx) => this.contactBatch(tx, size, calendars, slicer, false));
        }
        total.events += r.events;
        total.facts += r.facts;
        if (r.events < size || opts.stop?.()) break;
        await slicer.now();
      }
      const stateSize = opts.states === false ? 0 : (opts.states?.batchSize ?? size);
      for (let i = 0; stateSize > 0 && i < maxBatches; i++) {
        const n = await this.repo.transaction((tx) => this.stateBatch(tx, stateSize, slicer));
        total.spans += n;
        if (n < stateSize || opts.stop?.()) break;
        await slicer.now();
      }
      return total;
    });
    if (out && (out.facts || out.spans)) this.logger.debug?.({ msg: 'report roll-ups refreshed', ...out });
    return out ?? { ran: false, events: 0, facts: 0, spans: 0 };
  }

  /**
   * A report's catch-up before it reads: the feeds brought up to date (at most `maxBatches` batches
   * each). When the scheduled job (here or on another instance) holds the lock, its run may not have
   * committed what the report must show, so this waits for the run to end (polling; no connection is
   * held while waiting, so waiting reports cannot starve the job of the pool) and then catches up
   * itself. After `waitMs` the report reads what is there.
   */
  async catchUp(maxBatches = 20, waitMs = 10_000): Promise<RefreshResult> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      const r = await this.execute(maxBatches);
      if (r.ran || performance.now() >= deadline) return r;
      await new Promise<void>((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * The business calendars of the email queues, read before a batch's transaction opens and passed
   * in: the catalog reads through the pool, which on the embedded database (one session) would wait
   * for the open transaction for ever.
   */
  private async emailCalendars(): Promise<Map<string, BusinessCalendar | null>> {
    const out = new Map<string, BusinessCalendar | null>();
    for (const q of await this.repo.queues()) if (q.channel === 'email') out.set(q.id, (await this.catalog.queue(q.id))?.calendar ?? null);
    return out;
  }

  private async contactBatch(
    tx: ReportsTx,
    batchSize: number,
    calendars: Map<string, BusinessCalendar | null>,
    slicer: Slicer,
    strict = true,
  ): Promise<{ events: number; facts: number }> {
    const now = new Date();
    const feed = await tx.feed('contact-events');
    const items = await tx.contactEventsAfter(feed.watermark, feed.gaps.map((g) => g.id), batchSize);
    const next = advanceFeed(feed, items.map((i) => i.id), now);
    const ids = [...new Set(items.map((i) => i.contactId))];
    const arrivals = items.filter((i) => i.arrival !== null);
    let facts = 0;
    if (ids.length) facts = await this.applyContacts(tx, ids, arrivals, calendars, slicer, strict);
    await tx.saveFeed('contact-events', next, now);
    return { events: items.filter((i) => BigInt(i.id) > BigInt(feed.watermark)).length, facts };
  }

  private async applyContacts(
    tx: ReportsTx,
    ids: string[],
    arrivals: FeedItem[],
    calendars: Map<string, BusinessCalendar | null>,
    slicer: Slicer,
    strict: boolean,
  ): Promise<number> {
    // One connection per transaction: the queries run one after another.
    const contacts = await tx.contacts(ids);
    const existing = new Set(contacts.filter((c) => c.counted).map((c) => c.id));
    // Only the contacts counted now need their timelines: most contacts a batch names are still open
    // (their other events come in later batches), and a counted one is never counted again.
    const events = await tx.events(contacts.filter((c) => !c.counted && isFinished(c.status)).map((c) => c.id));
    const byContact = new Map<string, TimelineEvent[]>();
    for (const e of events) {
      const list = byContact.get(e.contactId) ?? [];
      list.push({ at: e.at, type: e.type, agentId: e.agentId, detail: { queueId: e.queueId, wrapUpSeconds: e.wrapUpSeconds, keepsArrivedAt: e.keepsArrivedAt } });
      byContact.set(e.contactId, list);
    }
    const fresh: ContactFact[] = [];
    const openEmails: { contactId: string; queueId: string; arrivedAt: Date; deadline: Date }[] = [];
    const closedEmails: string[] = [];
    for (let i = 0; i < contacts.length; i++) {
      await slicer.due();
      const c = contacts[i];
      if (c.channel === 'email' && c.queueId) {
        if (isFinished(c.status) || c.status === 'rejected') closedEmails.push(c.id);
        else openEmails.push({ contactId: c.id, queueId: c.queueId, arrivedAt: c.arrivedAt, deadline: c.deadline });
      }
      if (existing.has(c.id) || !isFinished(c.status)) continue;
      if (strict && c.channel === 'email' && c.queueId && !calendars.has(c.queueId)) throw new UnknownEmailQueue();
      const calendar = c.channel === 'email' && c.queueId ? (calendars.get(c.queueId) ?? null) : null;
      const f = contactFacts(c, byContact.get(c.id) ?? [], calendar);
      if (f) fresh.push(f);
    }
    await tx.upsertBacklog(openEmails);
    await tx.removeBacklog(closedEmails);

    // Repeat contacts: for every contact not counted yet (open ones too, so an earlier contact is
    // flagged as soon as the customer comes back, not only when the new contact ends).
    const candidates = contacts.filter((c) => !existing.has(c.id) && c.status !== 'rejected').map((c) => c.id);
    const repeats = candidates.length ? await tx.repeats(candidates, REPEAT_WINDOW_DAYS) : [];
    const flags = new Map(repeats.map((r) => [r.contactId, r]));
    const delta = new RollupDelta();
    // Arrivals are counted when the contact enters its first queue, in the rows its facts will join.
    const queueOf = new Map(contacts.map((c) => [c.id, c.queueId]));
    for (const a of arrivals) {
      const queueId = a.arrival!.queueId ?? queueOf.get(a.contactId) ?? null;
      if (queueId) delta.addArrival(arrivalTime(a.arrival!.at, a.arrival!.keepsArrivedAt), queueId);
    }
    await tx.insertFacts(
      fresh.map((f) => ({
        contactId: f.contactId, channel: f.channel, queueId: f.queueId, closingAgentId: f.closingAgentId, arrivedAt: f.arrivedAt, outcome: f.outcome,
        waitSeconds: f.waitSeconds, isRepeat: flags.get(f.contactId)?.isRepeat ?? false, hasRepeat: flags.get(f.contactId)?.hasRepeat ?? false,
      })),
    );
    for (let i = 0; i < fresh.length; i++) {
      await slicer.due();
      const f = fresh[i];
      delta.addFact(f, { isRepeat: flags.get(f.contactId)?.isRepeat ?? false, hasRepeat: flags.get(f.contactId)?.hasRepeat ?? false });
    }
    const earlier = [...new Set(repeats.flatMap((r) => r.earlierContactIds))];
    for (const m of await tx.markRepeated(earlier)) {
      delta.addLateRepeat({ arrivedAt: m.arrivedAt, queueId: m.queueId, closingAgentId: m.closingAgentId, answered: m.outcome === 'answered' });
    }
    await tx.addQueueRollups([...delta.queueRows.values()].map((r) => ({ grain: r.key.grain, periodStart: new Date(r.key.periodStart), queueId: r.key.queueId, metrics: r.metrics })));
    await tx.addAgentRollups(
      [...delta.agentRows.values()].map((r) => ({ grain: r.key.grain, periodStart: new Date(r.key.periodStart), queueId: r.key.queueId, agentId: r.key.agentId, metrics: r.metrics })),
    );
    return fresh.length;
  }

  private async stateBatch(tx: ReportsTx, batchSize: number, slicer: Slicer): Promise<number> {
    const now = new Date();
    const feed = await tx.feed('agent-states');
    const spans = await tx.agentStatesAfter(feed.watermark, feed.gaps.map((g) => g.id), batchSize);
    const next = advanceFeed(feed, spans.map((s) => s.id), now);
    const rows = new Map<string, AgentRollupDelta>();
    for (let i = 0; i < spans.length; i++) {
      await slicer.due();
      const s = spans[i];
      for (const p of splitSpan({ state: s.state, from: s.startedAt, to: s.endedAt }, REPORT_TIME_ZONE, AGENT_ROLLUP_GRAINS)) {
        const key = `${p.grain}|${p.periodStart}|${s.agentId}`;
        let row = rows.get(key);
        if (!row) {
          row = { grain: p.grain as RollupGrain, periodStart: new Date(p.periodStart), agentId: s.agentId, queueId: NO_QUEUE, metrics: emptyMetrics() };
          rows.set(key, row);
        }
        row.metrics.staffedSeconds += p.staffedSeconds;
        row.metrics.occupiedSeconds += p.occupiedSeconds;
      }
    }
    await tx.addAgentRollups([...rows.values()]);
    await tx.saveFeed('agent-states', next, now);
    return spans.filter((s) => BigInt(s.id) > BigInt(feed.watermark)).length;
  }
}

/**
 * One scheduled run: the contact feed up to its head in batches of STEP_EVENTS, and the agent-state
 * feed when STATES_EVERY_MS has passed since it was last read. The same in the API's own thread and
 * in the roll-up's worker thread (report-rollup.worker.ts).
 */
export class RollupSchedule {
  private statesAt = 0;

  constructor(
    private readonly refresh: RefreshReportRollups,
    /** Yield to the event loop within batches: in the thread that also serves requests. */
    private readonly yieldBetween: boolean,
  ) {}

  run(stop: () => boolean): Promise<RefreshResult> {
    const now = Date.now();
    const states = now - this.statesAt >= ReportRollupJob.STATES_EVERY_MS;
    if (states) this.statesAt = now;
    return this.refresh.execute(Number.POSITIVE_INFINITY, {
      batchSize: Math.min(ReportRollupJob.STEP_EVENTS, this.refresh.batchSize),
      yieldBetween: this.yieldBetween,
      stop,
      states: states && { batchSize: ReportRollupJob.STATE_STEP_SPANS },
    });
  }
}

/**
 * The schedule: every REFRESH_MS, unless REPORT_JOBS is off (tests switch it off and call
 * RefreshReportRollups themselves; a report also catches up before it reads). On a PostgreSQL server
 * the job runs in a worker thread of its own (ReportRollupThread) unless REPORT_JOBS_THREAD is off;
 * on the embedded database (one in-process session) it runs here, its JavaScript yielding every few
 * milliseconds.
 */
@Injectable()
export class ReportRollupJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /**
   * Every second: the same work in five times smaller bursts than every 5 s (at 270 decisions/s a
   * 5-second run held ~0.3 s of the API's and ~0.3 s of PostgreSQL's CPU at once, which showed in the
   * decisions' p99), and no more CPU in all (bench:routing, 64 clients, alternated: 1.40-1.49 + 1.19-1.25
   * ms per decision against 1.68-1.70 + 1.32-1.38 ms); an idle run reads two feed rows.
   */
  static readonly REFRESH_MS = 1_000;
  /**
   * Events per batch of a scheduled run: one transaction, and one upsert of
   * each roll-up row the batch touches. Batches of 100 re-wrote the same day, week, month and
   * quarter rows many times over, and the job fell behind the load (bench:routing, 64 clients: it
   * needed 6-10 s after a 10 s loop to catch up, ~2.5 ms of CPU per decision). With 1,000 it kept up
   * (under 1 s), but at ~600 decisions/s (~4,500 events a second) each run still wrote every busy
   * agent's rows four or five times. 5,000 is about one second of that load in one batch: the
   * roll-up connections' CPU fell from 0.24-0.25 to 0.16-0.17 ms per decision in two alternated pairs
   * (session 25), with no worse tail at 280 decisions/s. (In session 10, before the agent-state feed
   * had its own schedule and the job its own thread, 5,000 had cost no less and widened the tail.)
   */
  static readonly STEP_EVENTS = 5_000;
  /**
   * The agent-state feed (staffed and occupied time) every 10 s, in batches of up to 20,000 spans:
   * under load every agent changes state every few seconds, so each state batch re-wrote nearly
   * every agent's interval, day and month rows whatever its size. A report still brings both feeds
   * up to date before it reads.
   */
  static readonly STATES_EVERY_MS = 10_000;
  static readonly STATE_STEP_SPANS = 20_000;
  private readonly job: IntervalJob;
  private thread: ReportRollupThread | null = null;

  constructor(
    refresh: RefreshReportRollups,
    scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const schedule = new RollupSchedule(refresh, true);
    this.job = new IntervalJob(scheduler, 'report-rollups', new Logger('ReportRollupJob'), (job) => schedule.run(() => job.stopping));
  }

  onApplicationBootstrap(): void {
    if (this.config.reportJobs === false) return;
    const db = this.config.database;
    if (db.kind === 'postgres' && this.config.reportJobsThread !== false) {
      this.thread = new ReportRollupThread(db.url, ReportRollupJob.REFRESH_MS);
      this.thread.start();
    } else this.job.start(ReportRollupJob.REFRESH_MS);
  }

  /** Before the database closes: no new run, and the batch in flight commits. */
  beforeApplicationShutdown(): Promise<void> {
    return this.thread ? this.thread.stop() : this.job.stop();
  }
}
