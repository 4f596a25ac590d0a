/**
 * ROUTING_ENGINE=memory: the routing state lives in memory in one owner process (libs/routing's
 * RoutingCore, the same policy code as the database engine), and each request's row changes are
 * stored by a group-commit writer: the changes of the requests that arrive while a write is in
 * flight go together into one statement and one commit. A request is answered only after its
 * changes are committed, so nothing acknowledged is lost on a crash; after a restart or a takeover
 * the owner rebuilds its state from the tables.
 *
 * - Ownership: a session advisory lock (ROUTING_OWNER_LOCK) held on the writer's own connection.
 *   Only the holder routes; while another instance holds it, this one answers 503 (forwarding to
 *   the owner is not built yet, so run one API instance with this engine). If the writer's
 *   connection is lost the lock goes with it and the next request takes it again (or finds that
 *   another instance did).
 * - A failed group write leaves memory ahead of the tables: the requests of that group and of every
 *   later one fail, and the state is loaded again from the tables before the next operation.
 * - Queues, entry points and agents' static data (skills, SIP URI, capacities, loans) are re-read
 *   every REFRESH_MS, at once after a change made in this process (RoutingInvalidations,
 *   RoutingCatalog.invalidate), and agents changed elsewhere within REFRESH_MS.
 * Reads that other features make (explanations, offers, queue stats, reports) go to the tables,
 * which hold every change a response has acknowledged.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import { isEmbedded } from '../../../../libs/persistence/src/job-lock.js';
import { RoutingRepository, type ContactRow, type PresenceRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { GroupCommitWriter, type SqlSession } from '../../../../libs/persistence/src/routing-store/routing-writer.js';
import { fetchCustomerByPhone, fetchCustomerByRef, loadAgentStatics, loadRoutingSnapshot } from '../../../../libs/persistence/src/routing-store/routing-loader.js';
import { pgClientSession, typeormSession } from '../../../../libs/persistence/src/routing-store/sql-session.js';
import { RoutingCore } from '../../../../libs/routing/src/core/routing-core.js';
import { RoutingState } from '../../../../libs/routing/src/core/routing-state.js';
import { isEmptyChangeSet, type AgentRecord, type ContactRecord, type CoreCatalog, type CoreQueue } from '../../../../libs/routing/src/core/types.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingInvalidations, type RoutingInvalidation } from '../persistence/routing-invalidations.js';
import { RoutingCatalog, type QueueDefinition } from './routing-catalog.js';
import { RoutingClock } from './routing-clock.js';
import { RoutingEngine, type NewContactInput, type PhoneDecision, type PhoneDecisionInput, type TelephonyEvent } from './routing-engine.js';

/** Advisory lock key of the routing owner ("vrow"). */
export const ROUTING_OWNER_LOCK = 0x76_72_6f_77;

/** How long finished contacts stay in memory (a retried or late telephony request still finds them). */
const KEEP_FINISHED_MS = 10 * 60_000;

/** The owner's loaded state and its writer (replaced as a whole when the state is reloaded). */
interface Owner {
  core: RoutingCore;
  writer: GroupCommitWriter;
  /** The writer's connection (postgres) or the embedded database's single session. */
  session: SqlSession;
  runner: QueryRunner | null;
  catalog: MemoryCatalog;
  refreshedAt: number;
  /** Set when a group write failed: the next operation reloads. */
  broken: boolean;
}

/** The queues and entry points the core looks up synchronously, refreshed by the owner. */
class MemoryCatalog implements CoreCatalog {
  queues = new Map<string, CoreQueue>();
  entries = new Map<string, string>();
  queue(queueId: string): CoreQueue | undefined {
    return this.queues.get(queueId);
  }
  queueIdForCalledNumber(calledNumber: string): string | undefined {
    return this.entries.get(calledNumber);
  }
}

function coreQueue(def: QueueDefinition): CoreQueue {
  return { id: def.row.id, departmentId: def.row.departmentId, channel: def.row.channel, language: def.row.language, policy: def.policy, calendar: def.calendar, settings: def.settings };
}

/** A contact as the API answers it: without the caller's personal data. */
function contactRow(c: ContactRecord): ContactRow {
  const { callerName: _name, calledNumber: _number, ...row } = c;
  return { ...row, excludedAgentIds: [...c.excludedAgentIds] };
}

function presenceRow(a: AgentRecord): PresenceRow {
  const p = a.presence!;
  return {
    agentId: a.agentId, departmentId: a.departmentId, phoneUri: a.phoneUri, state: p.state, breakReason: p.breakReason,
    capacity: { ...p.capacity }, load: { ...p.load }, idleSince: p.idleSince, stateSince: p.stateSince, wrapUpUntil: p.wrapUpUntil,
    skills: { ...a.skills }, loans: [],
  };
}

@Injectable()
export class MemoryRoutingEngine extends RoutingEngine implements OnApplicationShutdown {
  static readonly REFRESH_MS = 5000;
  private readonly log = new Logger('RoutingOwner');
  private owner: Promise<Owner> | null = null;
  /** Agents whose static data changed in this process since the last refresh ('all' after a catalog change). */
  private staleAgents = new Set<string>();
  private staleCatalog = false;
  private refreshing: Promise<void> | null = null;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    repo: RoutingRepository,
    private readonly queues: RoutingCatalog,
    clock: RoutingClock,
    private readonly dataSource: DataSource,
    invalidations: RoutingInvalidations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(repo, queues, clock);
    this.unsubscribe = invalidations.subscribe((change) => this.invalidated(change));
    queues.onInvalidate(() => (this.staleCatalog = true));
  }

  // ---------------------------------------------------------------- ownership and state

  /** Reads outside the writer's connection (customers, agents, queues): the pool, or the embedded database's session. */
  private pool(): SqlSession {
    return typeormSession(this.dataSource);
  }

  /** The loaded owner, taking ownership and loading the state first when needed. */
  private async current(): Promise<Owner> {
    if (this.closed) throw new DomainError('conflict', 'routing.shutting_down', 'the routing engine is shutting down');
    if (!this.owner) {
      const starting = this.start();
      this.owner = starting;
      starting.catch(() => {
        if (this.owner === starting) this.owner = null;
      });
    }
    const loaded = this.owner;
    const o = await loaded;
    if (o.broken) {
      // Let the failed group and those queued behind it settle, then load again — once, however
      // many requests found the state broken.
      if (this.owner === loaded) {
        const reloading = this.reload(o);
        this.owner = reloading;
        reloading.catch(() => {
          if (this.owner === reloading) this.owner = null;
        });
      }
      return this.current();
    }
    if (this.staleCatalog || this.staleAgents.size || Date.now() - o.refreshedAt > MemoryRoutingEngine.REFRESH_MS) {
      // Concurrent requests share one refresh instead of each reading queues and agents again.
      this.refreshing ??= this.refresh(o).finally(() => (this.refreshing = null));
      await this.refreshing;
    }
    return o;
  }

  private async start(): Promise<Owner> {
    let runner: QueryRunner | null = null;
    let session: SqlSession;
    if (isEmbedded(this.dataSource)) {
      session = this.pool();
    } else {
      runner = this.dataSource.createQueryRunner();
      const client = (await runner.connect()) as Parameters<typeof pgClientSession>[0];
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [ROUTING_OWNER_LOCK])) as { locked: boolean }[];
      if (!locked) {
        await runner.release();
        throw new DomainError('unavailable', 'routing.not_owner', 'another API instance owns the routing state (ROUTING_ENGINE=memory routes on one instance); retry on it');
      }
      session = pgClientSession(client);
    }
    try {
      return await this.load(session, runner);
    } catch (err) {
      if (runner) await runner.release().catch(() => undefined);
      throw err;
    }
  }

  private async load(session: SqlSession, runner: QueryRunner | null): Promise<Owner> {
    const started = Date.now();
    const writer = new GroupCommitWriter(session);
    await writer.prepare();
    const snapshot = await loadRoutingSnapshot(session, this.clock.now(), { recentFinishedMs: KEEP_FINISHED_MS });
    const catalog = new MemoryCatalog();
    const owner: Owner = { core: new RoutingCore(RoutingState.from(snapshot), catalog), writer, session, runner, catalog, refreshedAt: 0, broken: false };
    await this.refresh(owner, true);
    this.log.log({ msg: 'routing state loaded', agents: snapshot.agents.length, contacts: snapshot.contacts.length, reservations: snapshot.reservations.length, ms: Date.now() - started });
    return owner;
  }

  /** A new core and writer on the same connection; the old writer keeps refusing, so an operation begun on the old state cannot be stored. */
  private async reload(broken: Owner): Promise<Owner> {
    await broken.writer.drain().catch(() => undefined);
    return this.load(broken.session, broken.runner);
  }

  /** Queues, entry points and agents' static data, read again. */
  private async refresh(o: Owner, all = false): Promise<void> {
    const full = all || this.staleCatalog || Date.now() - o.refreshedAt > MemoryRoutingEngine.REFRESH_MS;
    const agentIds = full ? null : [...this.staleAgents];
    this.staleCatalog = false;
    this.staleAgents = new Set();
    if (full) {
      this.queues.invalidate();
      this.staleCatalog = false;
      const ids = (await this.dataSource.query('SELECT id FROM queues')) as { id: string }[];
      const queues = new Map<string, CoreQueue>();
      for (const { id } of ids) {
        const def = await this.queues.queue(id);
        if (def) queues.set(id, coreQueue(def));
      }
      const entries = new Map((await this.repo.listEntryPoints()).map((e) => [e.calledNumber, e.queueId]));
      o.catalog.queues = queues;
      o.catalog.entries = entries;
      o.refreshedAt = Date.now();
    }
    const statics = await loadAgentStatics(this.pool(), agentIds ?? ((await this.dataSource.query('SELECT id FROM agents')) as { id: string }[]).map((r) => r.id));
    const seen = new Set<string>();
    for (const a of statics) {
      seen.add(a.agentId);
      o.core.state.putAgentStatics(a);
    }
    // Agents deleted meanwhile (their reservations went with them in the tables).
    const gone = agentIds ? agentIds.filter((id) => !seen.has(id)) : [...o.core.state.agents()].map((a) => a.agentId).filter((id) => !seen.has(id));
    for (const id of gone) o.core.state.removeAgent(id);
  }

  private invalidated(change: RoutingInvalidation): void {
    if (change.kind === 'agents') {
      for (const id of change.agentIds) this.staleAgents.add(id);
      return;
    }
    // Erased customers: forget them (a later contact from the same number starts a new customer,
    // as the tables now say) — the owner never writes a customer's number or reference back.
    void this.owner
      ?.then((o) => o.core.state.forgetCustomers(change.customerIds === 'all' ? [...o.core.state.customerIds()] : change.customerIds))
      .catch(() => undefined);
  }

  /**
   * Runs one core operation: `prepare` fetches what the core needs from the tables first (a
   * customer not in memory); the operation itself is synchronous; its changes are committed
   * (grouped with concurrent ones) before the answer, then waiting long polls and streams wake.
   */
  private async run<T>(op: (core: RoutingCore, now: Date) => T, prepare?: (o: Owner) => Promise<void>): Promise<T> {
    const o = await this.current();
    if (prepare) await prepare(o);
    let result: T | undefined;
    let failure: { error: unknown } | null = null;
    try {
      result = op(o.core, this.clock.now());
    } catch (error) {
      // A refused operation changed nothing, except one that records what happened before it
      // refuses (an accept that came too late re-routes the contact): that is stored all the same.
      failure = { error };
    }
    const { changes, signals } = o.core.takeChanges();
    if (!isEmptyChangeSet(changes)) {
      try {
        await o.writer.write(changes);
      } catch (err) {
        o.broken = true;
        this.log.error({ msg: 'routing write failed; state will be reloaded', err: err instanceof Error ? { name: err.name, message: err.message } : String(err) });
        throw err;
      }
    }
    this.signal(...signals);
    if (failure) throw failure.error;
    return result as T;
  }

  /** Customers are loaded on first use: a caller or reference not in memory is looked up in the table. */
  private async customerByPhone(o: Owner, phone: string): Promise<void> {
    if (!phone || o.core.state.customerByPhone(phone)) return;
    const c = await fetchCustomerByPhone(this.pool(), phone);
    if (c && !o.core.state.customerByPhone(phone) && !o.core.state.customer(c.id)) o.core.state.addCustomer(c);
  }

  private async customerByRef(o: Owner, ref: string): Promise<void> {
    if (!ref || o.core.state.customerByRef(ref)) return;
    const c = await fetchCustomerByRef(this.pool(), ref);
    if (c && !o.core.state.customerByRef(ref) && !o.core.state.customer(c.id)) o.core.state.addCustomer(c);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    const owner = this.owner;
    this.owner = null;
    if (!owner) return;
    const o = await owner.catch(() => null);
    if (!o) return;
    await o.writer.drain().catch(() => undefined);
    if (o.runner) await o.runner.release().catch(() => undefined);
  }

  // ---------------------------------------------------------------- the engine's operations

  override decidePhone(input: PhoneDecisionInput): Promise<PhoneDecision> {
    return this.run((core, now) => core.decidePhone(input, now), (o) => this.customerByPhone(o, input.callerId));
  }

  override async pollPhoneDecision(callId: string, waitSeconds: number): Promise<PhoneDecision> {
    const until = Date.now() + waitSeconds * 1000;
    for (;;) {
      const o = await this.current();
      if (!o.core.state.contactByCallId(callId)) return super.pollPhoneDecision(callId, Math.max(0, (until - Date.now()) / 1000));
      const current = o.core.currentDecision(callId, this.clock.now());
      if (current !== 'pending') return current;
      const left = until - Date.now();
      if (left <= 0) return o.core.queuePosition(callId, this.clock.now());
      await this.waitFor(`contact:${o.core.state.contactByCallId(callId)!.id}`, Math.min(left, 250));
    }
  }

  override async createContact(input: NewContactInput): Promise<ContactRow> {
    return contactRow(await this.run((core, now) => core.createContact(input, now), (o) => this.customerByRef(o, input.customerRef)));
  }

  override async acceptOffer(agentId: string, reservationId: string): Promise<ContactRow> {
    return contactRow(await this.run((core, now) => core.acceptOffer(agentId, reservationId, now)));
  }

  override async rejectOffer(agentId: string, reservationId: string): Promise<void> {
    await this.run((core, now) => core.rejectOffer(agentId, reservationId, now));
  }

  override async complete(agentId: string, contactId: string, wrapUpSeconds: number | undefined): Promise<ContactRow> {
    return contactRow(await this.run((core, now) => core.complete(agentId, contactId, wrapUpSeconds, now)));
  }

  override async transfer(agentId: string, contactId: string, target: { agentId?: string; queueId?: string }): Promise<ContactRow> {
    return contactRow(await this.run((core, now) => core.transfer(agentId, contactId, target, now)));
  }

  override async setAgentState(agentId: string, state: 'available' | 'break' | 'offline', reason: string | null): Promise<PresenceRow> {
    return this.run((core, now) => {
      core.setAgentState(agentId, state, reason, now);
      return presenceRow(core.state.agent(agentId)!);
    });
  }

  override telephonyEvent(ev: TelephonyEvent): Promise<{ applied: boolean; detail: string }> {
    return this.run((core, now) => core.telephonyEvent(ev, now));
  }

  override async requestCallback(callId: string): Promise<ContactRow> {
    return contactRow(await this.run((core, now) => core.requestCallback(callId, now)));
  }

  /** Offer timeouts, wrap-up ends and the sweep, on the owner only; finished contacts are then forgotten. */
  override async tick(now = this.clock.now()): Promise<{ ran: boolean; expired: number; wrapUps: number; swept: number }> {
    let out: { expired: number; wrapUps: number; swept: number };
    try {
      out = await this.run((core) => core.tick(now));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'routing.not_owner') return { ran: false, expired: 0, wrapUps: 0, swept: 0 };
      throw err;
    }
    const o = await this.owner;
    o?.core.state.prune(now, KEEP_FINISHED_MS);
    return { ran: true, ...out };
  }

  override async sweep(): Promise<number> {
    return (await this.tick()).swept;
  }

  override async routeContact(contactId: string): Promise<string | null> {
    await this.tick();
    const o = await this.current();
    return o.core.state.contact(contactId)?.agentId ?? null;
  }
}
