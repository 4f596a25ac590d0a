/**
 * ROUTING_ENGINE=memory: the routing state lives in memory in one owner process (libs/routing's
 * RoutingCore, the same policy code as the database engine), and each request's row changes are
 * stored by a group-commit writer: the changes of the requests that arrive while a write is in
 * flight go together into one statement and one commit. A request is answered only after its
 * changes are committed, so nothing acknowledged is lost on a crash; after a restart or a takeover
 * the owner rebuilds its state from the tables.
 *
 * - Ownership: a session advisory lock (ROUTING_OWNER_LOCK) held on the writer's own connection.
 *   Only the holder routes. It publishes its address and a fresh secret (table routing_owner); every
 *   other instance forwards the routing operations to it (routing-forwarding.ts) and answers with
 *   its result. When the owner cannot be reached, an instance tries to take the lock itself (it is
 *   free once the owner's connection is gone), else answers 503 `routing.not_owner`.
 * - A failed group write leaves memory ahead of the tables: the requests of that group and of every
 *   later one fail, and the state is loaded again from the tables before the next operation.
 * - Queues, entry points and agents' static data (skills, SIP URI, capacities, loans) are re-read
 *   every REFRESH_MS, and before the next operation after a change made in this process
 *   (RoutingInvalidations, RoutingCatalog.invalidate) or told to it by the instance that made it:
 *   every operation begun after the change waits for a re-read begun after it. A change the owner
 *   could not be told of (tellOwner gave up) arrives with the periodic re-read, within REFRESH_MS.
 *   A changed agent's presence takes its new capacities before the change is answered
 *   (RoutingCore.reconfigureAgents); one a re-read finds out of step is brought in step by the
 *   next operation (Owner.drifted).
 * - Customers are read on first use; concurrent lookups of callers not in memory share one query
 *   (KeyBatcher). They are forgotten again once no contact in memory refers to them
 *   (PRUNE_CUSTOMERS_MS), so memory holds the recent callers, not every caller since the start.
 * Reads that other features make (explanations, queue stats, reports) go to the tables, which hold
 * every change a response has acknowledged. An agent's offers are answered from memory while this
 * instance holds a sound state (offersOfAgent), else from the tables.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSource, type QueryRunner } from 'typeorm';
import { DomainError, notFound } from '../../../../libs/core/src/domain-error.js';
import { isUuid } from '../../../../libs/core/src/ids.js';
import { idempotencyCutoff, isLiveIdempotencyKey, type IdempotencyClaim, type IdempotencyKeyRecord } from '../../../../libs/core/src/idempotency.js';
import { isEmbedded } from '../../../../libs/persistence/src/job-lock.js';
import { RoutingRepository, type ContactRow, type PresenceRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { GroupCommitWriter, type SqlSession } from '../../../../libs/persistence/src/routing-store/routing-writer.js';
import { fetchCustomersByIds, fetchCustomersByPhones, fetchCustomersByRefs, loadAgentStatics, loadRoutingSnapshot } from '../../../../libs/persistence/src/routing-store/routing-loader.js';
import { publishOwner, readOwner, type OwnerAddress } from '../../../../libs/persistence/src/routing-store/routing-owner.js';
import { pgClientSession, typeormSession } from '../../../../libs/persistence/src/routing-store/sql-session.js';
import { abandonRefusal, capacityInForce, deskRefusal, RoutingCore, switchRefusal } from '../../../../libs/routing/src/core/routing-core.js';
import { RoutingState } from '../../../../libs/routing/src/core/routing-state.js';
import type { CustomerLinkResult } from '../../../../libs/routing/src/core/customer-link.js';
import {
  emptyChangeSet,
  isEmptyChangeSet,
  MAX_CONTACT_SECONDS_RANGE,
  maxContactSecondsOf,
  type AgentRecord,
  type ContactCloser,
  type ContactRecord,
  type CoreCatalog,
  type CoreQueue,
  type CustomerRecord,
} from '../../../../libs/routing/src/core/types.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RoutingInvalidations, type RoutingInvalidation } from '../persistence/routing-invalidations.js';
import { RoutingCatalog, type QueueDefinition } from './routing-catalog.js';
import { RoutingClock } from './routing-clock.js';
import { KeyBatcher } from './key-batcher.js';
import { forwardToOwner, OwnerUnreachable, secretMatches, type ForwardedOp } from './routing-forwarding.js';
import { RoutingEngine, type AgentOfferRow, type NewContactInput, type PhoneDecision, type PhoneDecisionInput, type TelephonyEvent } from './routing-engine.js';

/** Advisory lock key of the routing owner ("vrow"). */
export const ROUTING_OWNER_LOCK = 0x76_72_6f_77;

/** How long finished contacts stay in memory (a retried or late telephony request still finds them). */
const KEEP_FINISHED_MS = 10 * 60_000;
/**
 * At most this many finished contacts stay in memory, the oldest forgotten first whatever their
 * age. At a department's usual rate (a few contacts a second) the 10 minutes above hold a few
 * thousand; at bench:routing's sustained rate (~1,400 contacts a second) the owner's memory grew by
 * ~7 MB a second (~4.6 KB per contact with its explanation): 1 GB after two minutes, several GB by
 * the end of the window. A forgotten call is still answered from its compact record
 * (RoutingState.finishedCall); a desk operation on a forgotten contact is answered as the tables
 * would (contactKnown).
 */
const MAX_FINISHED_CONTACTS = 20_000;
/**
 * How often the customers no contact in memory refers to are forgotten (RoutingState.pruneCustomers):
 * a customer stays in memory while a contact of theirs does, and up to this long after its last change.
 */
const PRUNE_CUSTOMERS_MS = 10 * 60_000;
/**
 * How long the owner keeps an Idempotency-Key's first use in memory, and at most how many (the
 * oldest forgotten first): a retry soon after its first use, or while that use's group is still
 * being written, is answered from memory; a later one finds the key in the table (one read).
 */
const KEEP_IDEMPOTENCY_KEYS_MS = 10 * 60_000;
const MAX_IDEMPOTENCY_KEYS = 20_000;
/** After finding another owner, how long an instance forwards before it tries the lock again. */
const NOT_OWNER_RETRY_MS = 1000;
/** How long a non-owner trusts the owner's address it read. */
const OWNER_ADDRESS_TTL_MS = 1000;
/** How long a request waits for a new owner's address (it publishes once its state is loaded). */
const OWNER_WAIT_MS = 2000;
/** A forwarded operation's time limit (a long poll: its wait plus this). */
const FORWARD_TIMEOUT_MS = 5000;
/**
 * How long an agent being deleted stays unable to log in if the delete never reports back (its
 * instance stopped between the two steps); a finished delete ends it at once.
 */
const RETIRING_MS = 60_000;

const notOwner = (): DomainError => new DomainError('unavailable', 'routing.not_owner', 'another API instance owns the routing state and could not be reached; retry');
const isNotOwner = (err: unknown): boolean => err instanceof DomainError && err.code === 'routing.not_owner';

/** The owner's loaded state and its writer (replaced as a whole when the state is reloaded). */
interface Owner {
  core: RoutingCore;
  writer: GroupCommitWriter;
  /** The writer's connection (postgres) or the embedded database's single session. */
  session: SqlSession;
  runner: QueryRunner | null;
  catalog: MemoryCatalog;
  refreshedAt: number;
  /** Every change numbered up to this one (MemoryRoutingEngine.changes) is in this state: a re-read begun after it has finished. */
  applied: number;
  /**
   * Agents a refresh found with capacities other than their configuration gives (changed while no
   * owner could apply it to their presence): the next operation applies it first (run).
   */
  drifted: Set<string>;
  /** Set when a group write failed: the next operation reloads. */
  broken: boolean;
  /** What forwarded requests must carry (published with the address). */
  secret: string;
  /** The address last published (null: not known yet, published again once it is). */
  publishedUrl: string | null;
  /** When the customers were last pruned (clock time, ms). */
  customersPrunedAt: number;
  /**
   * How many times Idempotency-Keys were forgotten from memory (pruneIdempotencyKeys): a hand-in
   * whose table read found no key trusts that only if no key was forgotten since the read began
   * (the first use it missed might have been committed meanwhile and then forgotten).
   */
  keyPrunes: number;
}

/** The queues and entry points the core looks up synchronously, refreshed by the owner. */
class MemoryCatalog implements CoreCatalog {
  queues = new Map<string, CoreQueue>();
  entries = new Map<string, string>();
  /** shortestMaxContactSeconds of `queues` (a refresh replaces the map: recomputed then). */
  private shortest: { of: Map<string, CoreQueue>; seconds: number } | null = null;
  queue(queueId: string): CoreQueue | undefined {
    return this.queues.get(queueId);
  }
  shortestMaxContactSeconds(): number {
    if (this.shortest?.of !== this.queues) {
      let seconds = Number.POSITIVE_INFINITY;
      for (const q of this.queues.values()) seconds = Math.min(seconds, maxContactSecondsOf(q.settings, q.channel));
      this.shortest = { of: this.queues, seconds: Number.isFinite(seconds) ? seconds : MAX_CONTACT_SECONDS_RANGE.min };
    }
    return this.shortest.seconds;
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

/** An agent's live reservations with their contacts, as RoutingRepository.reservationsOfAgent answers them. */
function offerRows(state: RoutingState, agentId: string): AgentOfferRow[] {
  const rows: AgentOfferRow[] = [];
  for (const r of state.liveReservationsOf(agentId)) {
    const c = state.contact(r.contactId);
    // The SQL joins contacts; a live reservation's contact is always loaded, but never answer half a row.
    if (!c) continue;
    // The number to call back is the customer's (in memory with its contact; forgotten when erased).
    const callbackNumber = c.kind === 'callback' && c.customerId !== null ? (state.customer(c.customerId)?.phoneNumber ?? null) : null;
    rows.push({ ...r, deliveredAt: null, queueId: c.queueId, kind: c.kind, subject: c.subject, callerName: c.callerName, customerRef: c.customerRef, callbackNumber });
  }
  return rows;
}

function presenceRow(a: AgentRecord): PresenceRow {
  const p = a.presence!;
  return {
    agentId: a.agentId, departmentId: a.departmentId, phoneUri: a.phoneUri, state: p.state, breakReason: p.breakReason,
    capacity: { ...p.capacity }, load: { ...p.load }, idleSince: p.idleSince, stateSince: p.stateSince, wrapUpUntil: p.wrapUpUntil,
    pendingState: p.pendingState, pendingReason: p.pendingReason, skills: { ...a.skills }, loans: [],
  };
}

type LocalOps = MemoryRoutingEngine['local'];

@Injectable()
export class MemoryRoutingEngine extends RoutingEngine implements OnApplicationShutdown {
  static readonly REFRESH_MS = 5000;
  private readonly log = new Logger('RoutingOwner');
  private owner: Promise<Owner> | null = null;
  /**
   * The changes made in (or told to) this process are numbered in order: this is the last one's.
   * A refresh that began before a change may have read the rows as they were, so a change is in
   * the state only once a refresh begun after it has finished (Owner.applied).
   */
  private changes = 0;
  /** Agents whose static data changed since a finished refresh last read them, with the number of their last change. */
  private readonly staleAgents = new Map<string, number>();
  /** The number of the last change to queues, calendars, settings or entry points. */
  private catalogChange = 0;
  /** Agents being deleted (retireAgent), with the time their retirement lapses: the owner refuses to log them in. */
  private readonly retiring = new Map<string, number>();
  /** Bumped whenever customers are forgotten: a lookup that was in flight across a bump is made again (it may have read a row the erasure changed). */
  private customerEpoch = 0;
  private refreshing: Promise<void> | null = null;
  private closed = false;
  /** Callers and references not in memory: concurrent misses share one query. */
  private readonly customersByPhone = new KeyBatcher<CustomerRecord>((phones) => fetchCustomersByPhones(this.pool(), phones), (c) => c.phoneNumber);
  private readonly customersByRef = new KeyBatcher<CustomerRecord>((refs) => fetchCustomersByRefs(this.pool(), refs), (c) => c.externalRef);
  private readonly unsubscribe: () => void;
  /** This process, as published in routing_owner. */
  private readonly instanceId = randomUUID();
  /** Until then another instance is known to own the state: forward without trying the lock. */
  private notOwnerUntil = 0;
  private ownerAddress: { address: OwnerAddress | null; at: number } | null = null;

  constructor(
    repo: RoutingRepository,
    private readonly queues: RoutingCatalog,
    clock: RoutingClock,
    private readonly dataSource: DataSource,
    invalidations: RoutingInvalidations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost?: HttpAdapterHost,
  ) {
    super(repo, queues, clock);
    // Catalog changes arrive through RoutingCatalog's invalidate (below), which they also go through.
    const unsubscribe = invalidations.subscribe((change) => (change.kind === 'catalog' ? undefined : this.invalidated(change)));
    // An owner that took over before the server listened (the first tick) publishes its address once it does.
    const listening = adapterHost?.listen$.subscribe(() => void this.republish());
    this.unsubscribe = () => {
      unsubscribe();
      listening?.unsubscribe();
    };
    queues.onInvalidate(() => this.invalidated({ kind: 'catalog' }));
  }

  // ---------------------------------------------------------------- ownership and state

  /**
   * Reads outside the writer's connection (customers, agents, the owner's address): prepared
   * statements on the pool (RoutingRepository.direct; a first-time caller's lookup was parsed and
   * planned on every call: 62-72 µs of its backend's CPU against 50-52 µs prepared, and TypeORM's
   * query runner around it), or the embedded database's session.
   */
  private pool(): SqlSession {
    return typeormSession(this.repo.direct);
  }

  /** The loaded owner, taking ownership and loading the state first when needed. */
  private async current(): Promise<Owner> {
    if (this.closed) throw new DomainError('conflict', 'routing.shutting_down', 'the routing engine is shutting down');
    if (!this.owner && Date.now() < this.notOwnerUntil) throw notOwner();
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
    await this.caughtUp(o);
    // Changes made elsewhere apply within REFRESH_MS: that refresh runs beside the operations, which
    // meanwhile route on what was read before instead of all stalling until queues and agents are read.
    if (!this.refreshing && Date.now() - o.refreshedAt > MemoryRoutingEngine.REFRESH_MS) {
      this.startRefresh(o).catch((err: unknown) => this.log.warn({ msg: 'routing catalog refresh failed', err: String(err) }));
    }
    return o;
  }

  /**
   * A change made in (or told to) this process is seen by every operation that begins after it:
   * wait until a refresh begun after the last change so far has finished. One in flight may have
   * begun before the change and read the old rows: wait for it, then for the next. Concurrent
   * requests share one refresh instead of each reading queues and agents again, and changes made
   * after this call began do not hold it up.
   */
  private async caughtUp(o: Owner): Promise<void> {
    const wanted = this.changes;
    while (o.applied < wanted) await (this.refreshing ?? this.startRefresh(o));
  }

  private startRefresh(o: Owner): Promise<void> {
    const refreshing = this.refresh(o).finally(() => {
      if (this.refreshing === refreshing) this.refreshing = null;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async start(): Promise<Owner> {
    let runner: QueryRunner | null = null;
    let session: SqlSession;
    if (isEmbedded(this.dataSource)) {
      session = typeormSession(this.dataSource);
    } else {
      runner = this.dataSource.createQueryRunner();
      const client = (await runner.connect()) as Parameters<typeof pgClientSession>[0];
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [ROUTING_OWNER_LOCK])) as { locked: boolean }[];
      if (!locked) {
        await runner.release();
        this.notOwnerUntil = Date.now() + NOT_OWNER_RETRY_MS;
        throw notOwner();
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
    const writer = new GroupCommitWriter(session, { dedicatedSession: runner !== null });
    await writer.prepare();
    const snapshot = await loadRoutingSnapshot(session, this.clock.now(), { recentFinishedMs: KEEP_FINISHED_MS, maxRecentFinished: MAX_FINISHED_CONTACTS });
    const catalog = new MemoryCatalog();
    const owner: Owner = { core: new RoutingCore(RoutingState.from(snapshot), catalog), writer, session, runner, catalog, refreshedAt: 0, applied: 0, drifted: new Set(), broken: false, secret: randomBytes(24).toString('base64url'), publishedUrl: null, customersPrunedAt: this.clock.now().getTime(), keyPrunes: 0 };
    await this.refresh(owner, true);
    await this.publish(owner);
    await this.recheckCustomers(owner);
    this.log.log({ msg: 'routing state loaded', agents: snapshot.agents.length, contacts: snapshot.contacts.length, reservations: snapshot.reservations.length, ms: Date.now() - started });
    return owner;
  }

  /** A new core and writer on the same connection; the old writer keeps refusing, so an operation begun on the old state cannot be stored. */
  private async reload(broken: Owner): Promise<Owner> {
    await broken.writer.drain().catch(() => undefined);
    return this.load(broken.session, broken.runner);
  }

  /**
   * Queues, entry points and agents' static data, read again: all of them, or only the agents
   * changed since `o` last read them. Once it has finished, `o` holds every change numbered before
   * it began; a refresh that fails leaves them to the next one.
   */
  private async refresh(o: Owner, all = false): Promise<void> {
    const covers = this.changes;
    const full = all || this.catalogChange > o.applied || Date.now() - o.refreshedAt > MemoryRoutingEngine.REFRESH_MS;
    const agentIds = full ? null : [...this.staleAgents].filter(([, change]) => change > o.applied).map(([id]) => id);
    if (full) {
      this.queues.forget();
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
      const p = o.core.state.agent(a.agentId)?.presence;
      if (p) {
        const capacity = capacityInForce(a, p.load);
        if (capacity.phone !== p.capacity.phone || capacity.chat !== p.capacity.chat || capacity.email !== p.capacity.email) o.drifted.add(a.agentId);
      }
    }
    // Agents deleted meanwhile (their reservations went with them in the tables).
    const gone = agentIds ? agentIds.filter((id) => !seen.has(id)) : [...o.core.state.agents()].map((a) => a.agentId).filter((id) => !seen.has(id));
    for (const id of gone) {
      o.core.state.removeAgent(id);
      this.retiring.delete(id);
    }
    o.applied = Math.max(o.applied, covers);
    // A broken owner is being replaced, by one whose first read may have begun before this one:
    // leave the agents for its next read to find.
    if (!o.broken) for (const [id, change] of this.staleAgents) if (change <= covers) this.staleAgents.delete(id);
  }

  /** Where the other instances reach this one: ROUTING_ADVERTISE_URL, else the address the server listens on. */
  private advertisedUrl(): string | null {
    if (this.config.routingAdvertiseUrl) return this.config.routingAdvertiseUrl;
    const address = (this.adapterHost?.httpAdapter?.getHttpServer() as import('node:http').Server | undefined)?.address?.();
    if (!address || typeof address === 'string') return null;
    const host = address.address === '0.0.0.0' || address.address === '::' ? hostname() : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Records this instance as the owner with its address and secret (the other instances forward there). */
  private async publish(o: Owner): Promise<void> {
    const url = this.advertisedUrl();
    await publishOwner(this.pool(), { instanceId: this.instanceId, url, secret: o.secret });
    o.publishedUrl = url;
    this.log.log({ msg: 'routing owner published', url });
  }

  /** The loaded owner if this instance has one (never starts loading it). */
  private async settled(): Promise<Owner | null> {
    return this.owner ? this.owner.catch(() => null) : null;
  }

  private async republish(): Promise<void> {
    const o = await this.settled();
    if (o && !this.closed && o.publishedUrl !== this.advertisedUrl()) await this.publish(o).catch((err: unknown) => this.log.warn({ msg: 'could not publish the routing owner', err: String(err) }));
  }

  /** Whether a forwarded request carries this owner's secret. */
  async acceptsForwardSecret(secret: string | undefined): Promise<boolean> {
    const o = await this.settled();
    return o !== null && secretMatches(o.secret, secret);
  }

  /** The address of the instance that owns the state (read from routing_owner, cached briefly); null when unknown or this one. */
  private async remoteOwner(fresh: boolean): Promise<(OwnerAddress & { url: string }) | null> {
    if (fresh || !this.ownerAddress || Date.now() - this.ownerAddress.at > OWNER_ADDRESS_TTL_MS) {
      this.ownerAddress = { address: await readOwner(this.pool()), at: Date.now() };
    }
    const a = this.ownerAddress.address;
    return a && a.url && a.instanceId !== this.instanceId ? { ...a, url: a.url } : null;
  }

  /**
   * The owner to forward to, other than `failed` (one that could not be reached), or null when
   * none has published its address by `deadline` or by the time this instance may try the lock
   * again (an owner that has just taken the lock publishes its address only once its state is
   * loaded; an owner that has just stopped frees the lock a moment after its connection closes).
   */
  private async ownerToForwardTo(fresh: boolean, failed: string | null, deadline: number): Promise<(OwnerAddress & { url: string }) | null> {
    const until = Math.min(deadline, Math.max(this.notOwnerUntil, Date.now() + 50));
    for (let read = 0; ; read++) {
      const owner = await this.remoteOwner(fresh || read > 0);
      if (owner && owner.instanceId !== failed) return owner;
      if (Date.now() >= until) return null;
      await new Promise((r) => setTimeout(r, Math.min(50, until - Date.now())));
    }
  }

  /**
   * Runs an operation here when this instance owns the state, else on the owner. Until the owner
   * is found (within OWNER_WAIT_MS), try the lock again whenever its back-off ends and read the
   * owner's address in between. When the owner cannot be reached before the operation was sent,
   * try again: take the lock if it is free now, or forward to a new owner's address. An operation
   * that may have reached the owner (no answer in time) is not sent twice: 503.
   */
  private async owned<K extends keyof LocalOps>(op: K, args: Parameters<LocalOps[K]>): Promise<Awaited<ReturnType<LocalOps[K]>>> {
    let failed: string | null = null;
    const deadline = Date.now() + OWNER_WAIT_MS;
    for (let forwards = 0, reads = 0; forwards < 3; reads++) {
      try {
        return (await this.serveForwarded(op, args)) as Awaited<ReturnType<LocalOps[K]>>;
      } catch (err) {
        if (!isNotOwner(err)) throw err;
      }
      const owner = await this.ownerToForwardTo(reads > 0, failed, deadline);
      if (!owner) {
        if (Date.now() < deadline) continue;
        break;
      }
      forwards++;
      try {
        return (await forwardToOwner(owner, op, args, FORWARD_TIMEOUT_MS + (op === 'pollPhoneDecision' ? Number(args[1]) * 1000 : 0))) as Awaited<ReturnType<LocalOps[K]>>;
      } catch (err) {
        if (!(err instanceof OwnerUnreachable)) throw err;
        this.log.warn({ msg: 'routing owner unreachable', op, url: owner.url, reason: err.message, retry: err.retryable });
        if (!err.retryable) break;
        failed = owner.instanceId;
        this.notOwnerUntil = 0;
      }
    }
    throw notOwner();
  }

  /** Runs an operation here, never forwarded (routing.not_owner if this is not the owner): `owned`'s first try, and what another instance forwarded. */
  serveForwarded(op: ForwardedOp, args: unknown[]): Promise<unknown> {
    return (this.local[op] as (...a: unknown[]) => Promise<unknown>)(...args);
  }

  /**
   * A change committed in this process (or forwarded by another instance): applied to the state
   * when this instance owns it, else told to the owner, so that it applies at once wherever it was
   * made. Resolves once done; a change the owner could not be told of is logged, and the owner's
   * periodic refresh picks up agents and the catalog within REFRESH_MS.
   */
  private async invalidated(change: RoutingInvalidation): Promise<void> {
    // Numbered at once: every operation that begins in this process from now on waits for the re-read (caughtUp).
    if (change.kind === 'agents') {
      const n = ++this.changes;
      for (const id of change.agentIds) this.staleAgents.set(id, n);
    } else if (change.kind === 'catalog') {
      this.catalogChange = ++this.changes;
    }
    const o = await this.settled();
    if (o) {
      if (change.kind === 'customers') this.forgetCustomers(o, change.customerIds, change.keysDeletedOf ?? []);
      if (change.kind === 'agents') await this.reconfigure(change.agentIds);
      return;
    }
    if (!this.closed) await this.tellOwner(change);
  }

  /**
   * Erased customers: forget them (a later contact from the same number starts a new customer, as
   * the tables now say) — the owner never writes a customer's number or reference back. An erasure
   * also blanks the caller's name, reference and subject on the customer's contacts (the writer
   * stores those columns on insert only): the loaded ones follow, so offers and contacts answered
   * from memory say what the tables say. Retention ('all') blanks only contacts finished long
   * before anything kept in memory. The Idempotency-Keys the erasure deleted with the contacts'
   * data (`keysDeletedOf`, and any key of the erased customers' contacts held here) are forgotten
   * too: a retry of such a hand-in is a new request, as on the database engine.
   */
  private forgetCustomers(o: Owner, customerIds: string[] | 'all', keysDeletedOf: string[] = []): void {
    this.customerEpoch++;
    o.core.state.forgetCustomers(customerIds === 'all' ? [...o.core.state.customerIds()] : customerIds);
    if (customerIds !== 'all') o.core.state.erasePersonalDataOf(customerIds);
    o.core.state.forgetIdempotencyKeysOf(keysDeletedOf, customerIds === 'all' ? [] : customerIds);
  }

  /**
   * The customers loaded with the snapshot, read again once this owner has published its address:
   * an erasure committed while the state was loading told the previous owner, or nobody. Those
   * whose number or reference the tables no longer hold are forgotten; an erasure committed after
   * the publication is told to this owner.
   */
  private async recheckCustomers(o: Owner): Promise<void> {
    const loaded = [...o.core.state.customerIds()].flatMap((id) => o.core.state.customer(id) ?? []);
    if (!loaded.length) return;
    const current = new Map((await fetchCustomersByIds(this.pool(), loaded.map((c) => c.id))).map((c) => [c.id, c]));
    const changed = loaded.filter((c) => {
      const now = current.get(c.id);
      return !now || now.phoneNumber !== c.phoneNumber || now.externalRef !== c.externalRef;
    });
    if (changed.length) this.forgetCustomers(o, changed.map((c) => c.id));
  }

  /**
   * Changed agents' live presence takes their new configuration (RoutingCore.reconfigureAgents),
   * stored before the change is answered: read again first, as by any operation begun after the
   * change. Logged when it fails: the next refresh finds the presence out of step (Owner.drifted).
   */
  private async reconfigure(agentIds: string[]): Promise<void> {
    try {
      await this.run((core, now) => core.reconfigureAgents(agentIds, now));
    } catch (err) {
      this.log.warn({ msg: 'could not apply changed agents to their presence', agents: agentIds.length, err: err instanceof Error ? err.message : String(err) });
    }
  }

  /** A change made here, told to the owner on another instance (when none is published, whoever takes over reads the tables). Idempotent, so sent again on any failure. */
  private async tellOwner(change: RoutingInvalidation): Promise<void> {
    let last: unknown = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 100 * attempt));
      try {
        const owner = await this.remoteOwner(true);
        if (!owner) return;
        await forwardToOwner(owner, 'invalidate', [change], FORWARD_TIMEOUT_MS);
        return;
      } catch (err) {
        last = err;
      }
    }
    this.log.warn({ msg: 'could not tell the routing owner of a change', kind: change.kind, err: last instanceof Error ? last.message : String(last) });
  }

  /**
   * Runs one core operation: `prepare` fetches what the core needs from the tables first (a
   * customer not in memory); the operation itself is synchronous; its changes are committed
   * (grouped with concurrent ones) before the answer, then waiting long polls and streams wake.
   */
  private async run<T>(op: (core: RoutingCore, now: Date, o: Owner) => T, prepare?: (o: Owner) => Promise<void>): Promise<T> {
    const o = await this.current();
    if (prepare) await prepare(o);
    let result: T | undefined;
    let failure: { error: unknown } | null = null;
    const now = this.clock.now();
    if (o.drifted.size) {
      const agentIds = [...o.drifted];
      o.drifted.clear();
      o.core.reconfigureAgents(agentIds, now);
    }
    try {
      result = op(o.core, now, o);
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

  /** What a new contact needs in memory first. With the customer's number, both customers are read (in parallel): the core links them. Without, one lookup as ever. */
  private async beforeContact(o: Owner, input: NewContactInput): Promise<void> {
    if (input.switchedFrom) await this.switchedFromStillLive(o, input.switchedFrom);
    await (input.phoneNumber ? this.customersOf(o, input.customerRef, input.phoneNumber) : this.customerByRef(o, input.customerRef));
  }

  /**
   * A hand-in with an Idempotency-Key, at the owner. The key's first use is looked for in memory,
   * else in the table (one read, only for requests with the header and a key memory does not hold);
   * the core then answers a retry with the first use's contact or creates the contact with the key
   * in its change set (RoutingCore.createContactOnce). Operations run one at a time, so of two
   * concurrent requests with the same key the second finds the first's record in memory. A retry
   * answered from memory waits for the group that holds the first use to commit (an empty write
   * queued after it), so it never answers with a contact the tables might still lose; it answers the
   * contact as it is then. A retry's other checks (a switched-from contact that has ended since, a
   * closed queue) do not apply: it is answered as its first use was.
   */
  private async handInOnce(input: NewContactInput, claim: IdempotencyClaim): Promise<ContactRow> {
    const { result, owner } = await this.withFirstUse(claim, (core, now, stored) => core.createContactOnce({ ...input, idempotency: claim }, now, stored), (o) => this.beforeContact(o, input));
    return 'created' in result ? contactRow(result.created) : this.replayed(owner, result.replayOf);
  }

  /** RoutingEngine.retriedHandIn at the owner: the key's first use in memory, else in the table (as handInOnce finds it); creates nothing. */
  private async retried(claim: IdempotencyClaim): Promise<ContactRow | null> {
    const { result, owner } = await this.withFirstUse(claim, (core, now, stored) => ({ replayOf: core.handInReplay(claim, now, stored) }));
    return result.replayOf === null ? null : this.replayed(owner, result.replayOf);
  }

  /**
   * Runs `op` at the owner with the first use of the claim's key at hand: in memory when it holds a
   * live one, else `stored` — read from the table before the operation (then `ifNone` prepares what
   * a new request needs) and read again if a key was forgotten from memory while that read was in
   * flight.
   */
  private async withFirstUse<T extends object>(
    claim: IdempotencyClaim,
    op: (core: RoutingCore, now: Date, stored: IdempotencyKeyRecord | null) => T,
    ifNone?: (o: Owner) => Promise<void>,
  ): Promise<{ result: T; owner: Owner }> {
    for (;;) {
      let stored: IdempotencyKeyRecord | null = null;
      let prunes = -1;
      let owner: Owner | null = null;
      const out = await this.run(
        (core, now, o): T | { again: true } => {
          owner = o;
          const held = core.state.idempotencyKey(claim);
          // The table said none, but a key was forgotten from memory since that read began: read again.
          if (!(held && isLiveIdempotencyKey(held, now)) && !stored && o.keyPrunes !== prunes) return { again: true };
          return op(core, now, stored);
        },
        async (o) => {
          prunes = o.keyPrunes;
          const now = this.clock.now();
          const held = o.core.state.idempotencyKey(claim);
          if (held && isLiveIdempotencyKey(held, now)) return;
          stored = await this.repo.direct.findIdempotencyKey(claim.apiKeyId, claim.key, idempotencyCutoff(now));
          if (!stored && ifNone) await ifNone(o);
        },
      );
      if ('again' in out) continue;
      const o = owner as Owner | null;
      if (!o) throw new Error('MemoryRoutingEngine: a hand-in without its owner');
      return { result: out, owner: o };
    }
  }

  /** A retry's answer: the contact of its key's first use as it is now, once the group that holds that first use has committed (an empty write queued after it). */
  private async replayed(o: Owner, contactId: string): Promise<ContactRow> {
    await o.writer.write(emptyChangeSet());
    const current = o.core.state.contact(contactId);
    return current ? contactRow(current) : (await this.repo.direct.findContact(contactId))!;
  }

  /**
   * Customers are loaded on first use: a caller or reference not in memory is looked up in the
   * table (batched with the concurrent misses), and added only if still absent when it arrives.
   */
  private async customerByPhone(o: Owner, phone: string): Promise<void> {
    if (!phone || o.core.state.customerByPhone(phone)) return;
    const c = await this.lookUp(this.customersByPhone, phone);
    if (c && !o.core.state.customerByPhone(phone) && !o.core.state.customer(c.id)) o.core.state.addCustomer(c);
  }

  private async customerByRef(o: Owner, ref: string): Promise<void> {
    if (!ref || o.core.state.customerByRef(ref)) return;
    const c = await this.lookUp(this.customersByRef, ref);
    if (c && !o.core.state.customerByRef(ref) && !o.core.state.customer(c.id)) o.core.state.addCustomer(c);
  }

  /**
   * The customers of a reference and of a number, both in memory before a link is planned: the core
   * must know every customer holding either, or it would give the number to a second row.
   */
  private async customersOf(o: Owner, ref: string, phone: string): Promise<void> {
    await Promise.all([this.customerByRef(o, ref), this.customerByPhone(o, phone)]);
  }

  /** A customer read from the table, read again if customers were forgotten (an erasure) while the read was in flight. */
  private async lookUp(batcher: KeyBatcher<CustomerRecord>, key: string): Promise<CustomerRecord | null> {
    for (;;) {
      const epoch = this.customerEpoch;
      const c = await batcher.load(key);
      if (epoch === this.customerEpoch) return c;
    }
  }

  /**
   * A desk operation on a contact that is not in memory: every contact not finished is, so one the
   * tables hold has finished and was forgotten (prune) — it is not in the agent's hands, as the
   * database engine answers (409), where the core alone would call it unknown (404). The id is a
   * uuid: the routes check it (uuidParam) before any engine sees it.
   */
  /** Every contact not yet finished is in memory: one that is not is finished (and forgotten) or unknown, as the tables say. */
  private async contactStillLive(o: Owner, contactId: string): Promise<void> {
    if (o.core.state.contact(contactId)) return;
    const row = await this.repo.direct.findContact(contactId);
    if (!row) throw notFound('contact', contactId);
    const refusal = abandonRefusal(row);
    if (refusal) throw refusal;
  }

  /** A contact switched from that memory no longer holds has finished (switchRefusal words it from the tables); an unknown one the core refuses. */
  private async switchedFromStillLive(o: Owner, ref: string): Promise<void> {
    if (o.core.state.contact(ref) ?? o.core.state.contactByCallId(ref)) return;
    const row = (isUuid(ref) ? await this.repo.direct.findContact(ref) : null) ?? (await this.repo.direct.findContactByCallId(ref));
    const refusal = row && switchRefusal(row, ref);
    if (refusal) throw refusal;
  }

  private async contactKnown(o: Owner, agentId: string, contactId: string): Promise<void> {
    if (o.core.state.contact(contactId)) return;
    if (await this.repo.direct.findContact(contactId)) throw deskRefusal.notInHand(contactId, agentId);
  }

  /**
   * Agents created on another instance reach the owner with the next refresh (REFRESH_MS); an
   * operation naming one before that reads it from the tables first.
   */
  private async agentsKnown(o: Owner, agentIds: string[]): Promise<void> {
    const missing = agentIds.filter((id) => !o.core.state.agent(id));
    if (!missing.length) return;
    for (const a of await loadAgentStatics(this.pool(), missing)) if (!o.core.state.agent(a.agentId)) o.core.state.putAgentStatics(a);
  }

  /**
   * The owner's state when it can answer a read as the tables would: loaded and not broken (memory
   * then may hold changes the tables refused). Never starts, reloads or refreshes it: a read is not
   * a reason to take ownership.
   */
  private async soundState(): Promise<RoutingState | null> {
    const owner = this.owner;
    if (this.closed || !owner) return null;
    const o = await owner.catch(() => null);
    return o && !o.broken && this.owner === owner ? o.core.state : null;
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

  /**
   * From memory, without a query, when the state is sound — and the agent was not changed here
   * since the last refresh (deleted, its reservations went with it in the tables). The tables otherwise.
   */
  override async offersOfAgent(agentId: string): Promise<AgentOfferRow[]> {
    const state = await this.soundState();
    return state && !this.staleAgents.has(agentId) ? offerRows(state, agentId) : super.offersOfAgent(agentId);
  }

  /** From memory when the state is sound and the agent was not changed here since the last refresh (as offersOfAgent); the tables otherwise. */
  override async presenceOf(agentId: string): Promise<PresenceRow | null> {
    const state = await this.soundState();
    const a = state && !this.staleAgents.has(agentId) ? state.agent(agentId) : undefined;
    if (!a) return super.presenceOf(agentId);
    return a.presence ? presenceRow(a) : null;
  }

  /** The operations as this instance runs them when it owns the state (`owned` forwards them otherwise). */
  private readonly local = {
    /** A change committed on another instance (tellOwner); never takes ownership for it. */
    invalidate: async (change: RoutingInvalidation): Promise<null> => {
      if (!(await this.settled())) throw notOwner();
      await this.invalidated(change);
      return null;
    },
    decidePhone: (input: PhoneDecisionInput): Promise<PhoneDecision> => this.run((core, now) => core.decidePhone(input, now), (o) => this.customerByPhone(o, input.callerId)),
    pollPhoneDecision: async (callId: string, waitSeconds: number): Promise<PhoneDecision> => {
      const until = Date.now() + waitSeconds * 1000;
      let polled = false;
      for (;;) {
        const o = await this.current();
        if (!o.core.state.contactByCallId(callId)) return super.pollPhoneDecision(callId, Math.max(0, (until - Date.now()) / 1000));
        // The caller is on the line now: in memory only (the tick hands the deadline to the writer).
        if (!polled) {
          o.core.recordPoll(callId, waitSeconds, this.clock.now());
          polled = true;
        }
        const current = o.core.currentDecision(callId, this.clock.now());
        if (current !== 'pending') {
          // The telephony hears of the offer now: its timing out is the agent's.
          o.core.offerDelivered(current);
          return current;
        }
        const left = until - Date.now();
        if (left <= 0) return o.core.queuePosition(callId, this.clock.now());
        await this.waitFor(`contact:${o.core.state.contactByCallId(callId)!.id}`, Math.min(left, 250));
      }
    },
    createContact: async (input: NewContactInput): Promise<ContactRow> =>
      input.idempotency ? this.handInOnce(input, input.idempotency) : contactRow(await this.run((core, now) => core.createContact(input, now), (o) => this.beforeContact(o, input))),
    retriedHandIn: (claim: IdempotencyClaim): Promise<ContactRow | null> => this.retried(claim),
    linkCustomer: (customerRef: string, phoneNumber: string): Promise<CustomerLinkResult> =>
      this.run((core, now) => core.linkCustomer(customerRef, phoneNumber, now), (o) => this.customersOf(o, customerRef, phoneNumber)),
    acceptOffer: async (agentId: string, reservationId: string): Promise<ContactRow> => contactRow(await this.run((core, now) => core.acceptOffer(agentId, reservationId, now))),
    rejectOffer: async (agentId: string, reservationId: string): Promise<void> => {
      await this.run((core, now) => core.rejectOffer(agentId, reservationId, now));
    },
    complete: async (agentId: string, contactId: string, wrapUpSeconds: number | undefined): Promise<ContactRow> =>
      contactRow(await this.run((core, now) => core.complete(agentId, contactId, wrapUpSeconds, now), (o) => this.contactKnown(o, agentId, contactId))),
    transfer: async (agentId: string, contactId: string, target: { agentId?: string; queueId?: string }): Promise<ContactRow> =>
      contactRow(
        await this.run(
          (core, now) => core.transfer(agentId, contactId, target, now),
          async (o) => {
            await this.contactKnown(o, agentId, contactId);
            await this.agentsKnown(o, target.agentId ? [target.agentId] : []);
          },
        ),
      ),
    setAgentState: (agentId: string, state: 'available' | 'break' | 'offline', reason: string | null): Promise<PresenceRow> =>
      this.run(
        (core, now) => {
          if (this.isRetiring(agentId)) throw notFound('agent', agentId);
          core.setAgentState(agentId, state, reason, now);
          return presenceRow(core.state.agent(agentId)!);
        },
        (o) => this.agentsKnown(o, [agentId]),
      ),
    retireAgent: async (agentId: string): Promise<null> => {
      await this.run(
        (core, now) => {
          core.setAgentState(agentId, 'offline', null, now, { atOnce: true });
          this.retiring.set(agentId, Date.now() + RETIRING_MS);
        },
        (o) => this.agentsKnown(o, [agentId]),
      );
      return null;
    },
    restoreAgent: async (agentId: string): Promise<null> => {
      this.retiring.delete(agentId);
      return null;
    },
    telephonyEvent: (ev: TelephonyEvent): Promise<{ applied: boolean; detail: string }> => this.run((core, now) => core.telephonyEvent(ev, now)),
    requestCallback: async (callId: string, number?: string): Promise<ContactRow> =>
      contactRow(await this.run((core, now) => core.requestCallback(callId, now, number), number ? (o) => this.customerByPhone(o, number) : undefined)),
    abandonContact: async (contactId: string): Promise<ContactRow> =>
      contactRow(await this.run((core, now) => core.abandonContact(contactId, now), (o) => this.contactStillLive(o, contactId))),
    endContact: async (contactId: string, by: ContactCloser): Promise<ContactRow> =>
      contactRow(
        await this.run(
          (core, now) => core.endContact(contactId, by, now),
          async (o) => {
            // Not in memory but in the tables: finished and forgotten (every open contact is in memory).
            if (o.core.state.contact(contactId)) return;
            const stored = await this.repo.direct.findContact(contactId);
            if (stored) throw deskRefusal.finished(stored.id, stored.status);
          },
        ),
      ),
    routeContact: async (contactId: string): Promise<string | null> => {
      await this.tick();
      const o = await this.current();
      return o.core.state.contact(contactId)?.agentId ?? null;
    },
  } satisfies Record<ForwardedOp, (...args: never[]) => Promise<unknown>>;

  override decidePhone(input: PhoneDecisionInput): Promise<PhoneDecision> {
    return this.owned('decidePhone', [input]);
  }

  override pollPhoneDecision(callId: string, waitSeconds: number): Promise<PhoneDecision> {
    return this.owned('pollPhoneDecision', [callId, waitSeconds]);
  }

  override createContact(input: NewContactInput): Promise<ContactRow> {
    return this.owned('createContact', [input]);
  }

  override retriedHandIn(claim: IdempotencyClaim): Promise<ContactRow | null> {
    return this.owned('retriedHandIn', [claim]);
  }

  override linkCustomer(customerRef: string, phoneNumber: string): Promise<CustomerLinkResult> {
    return this.owned('linkCustomer', [customerRef, phoneNumber]);
  }

  override acceptOffer(agentId: string, reservationId: string): Promise<ContactRow> {
    return this.owned('acceptOffer', [agentId, reservationId]);
  }

  override rejectOffer(agentId: string, reservationId: string): Promise<void> {
    return this.owned('rejectOffer', [agentId, reservationId]);
  }

  override complete(agentId: string, contactId: string, wrapUpSeconds: number | undefined): Promise<ContactRow> {
    return this.owned('complete', [agentId, contactId, wrapUpSeconds]);
  }

  override transfer(agentId: string, contactId: string, target: { agentId?: string; queueId?: string }): Promise<ContactRow> {
    return this.owned('transfer', [agentId, contactId, target]);
  }

  override setAgentState(agentId: string, state: 'available' | 'break' | 'offline', reason: string | null): Promise<PresenceRow> {
    return this.owned('setAgentState', [agentId, state, reason]);
  }

  override async retireAgent(agentId: string): Promise<void> {
    await this.owned('retireAgent', [agentId]);
  }

  override async restoreAgent(agentId: string): Promise<void> {
    await this.owned('restoreAgent', [agentId]);
  }

  /** Whether the agent is being deleted (retireAgent): it may not log in; forgotten when it leaves the state, or after RETIRING_MS. */
  private isRetiring(agentId: string): boolean {
    const until = this.retiring.get(agentId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.retiring.delete(agentId);
    return false;
  }

  override telephonyEvent(ev: TelephonyEvent): Promise<{ applied: boolean; detail: string }> {
    return this.owned('telephonyEvent', [ev]);
  }

  override requestCallback(callId: string, number?: string): Promise<ContactRow> {
    return this.owned('requestCallback', number === undefined ? [callId] : [callId, number]);
  }

  override abandonContact(contactId: string): Promise<ContactRow> {
    return this.owned('abandonContact', [contactId]);
  }

  override endContact(contactId: string, by: ContactCloser): Promise<ContactRow> {
    return this.owned('endContact', [contactId, by]);
  }

  /**
   * Waiting calls whose polls stopped, offer timeouts, contacts held too long, wrap-up ends and the
   * sweep, on the owner only (with the poll deadlines recorded since the last tick); finished
   * contacts are then forgotten.
   */
  override async tick(now = this.clock.now()): Promise<{ ran: boolean; unpolled: number; expired: number; overdue: number; wrapUps: number; swept: number }> {
    let out: { unpolled: number; expired: number; overdue: number; wrapUps: number; swept: number };
    try {
      out = await this.run((core) => core.tick(now));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'routing.not_owner') return { ran: false, unpolled: 0, expired: 0, overdue: 0, wrapUps: 0, swept: 0 };
      throw err;
    }
    if (out.unpolled) this.log.warn({ msg: 'waiting calls whose polls stopped were ended abandoned (no-poll)', calls: out.unpolled });
    if (out.overdue) this.log.warn({ msg: 'contacts held past their maximum duration were ended', contacts: out.overdue });
    const o = await this.owner;
    if (o) {
      o.core.state.prune(now, KEEP_FINISHED_MS, MAX_FINISHED_CONTACTS);
      if (o.core.state.pruneIdempotencyKeys(new Date(now.getTime() - KEEP_IDEMPOTENCY_KEYS_MS), MAX_IDEMPOTENCY_KEYS)) o.keyPrunes++;
      if (now.getTime() - o.customersPrunedAt >= PRUNE_CUSTOMERS_MS) {
        o.core.state.pruneCustomers();
        o.customersPrunedAt = now.getTime();
      }
    }
    return { ran: true, ...out };
  }

  override async sweep(): Promise<number> {
    return (await this.tick()).swept;
  }

  override routeContact(contactId: string): Promise<string | null> {
    return this.owned('routeContact', [contactId]);
  }
}
