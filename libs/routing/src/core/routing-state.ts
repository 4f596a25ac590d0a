/**
 * The in-memory routing state of the owner process: the records of types.ts with the indexes the
 * core's decisions need, so that no decision scans all contacts or all reservations.
 *
 * Records are immutable values: a change puts a new version in place of the old one (the core
 * builds it with a spread). So a change set can hold the row versions themselves, and undoing an
 * operation is putting the old versions back. While the core runs an operation, `begin()` opens a
 * journal of the versions replaced; `rollback()` restores them (indexes included), `commit()`
 * forgets them. The maintenance methods (addCustomer, putAgentStatics, removeAgent, prune, …) are
 * not changes of the routing state: the adapter calls them between operations to mirror the
 * tables, and they are neither journaled nor recorded.
 */
import { idempotencyScope, type IdempotencyKeyRecord } from '../../../core/src/idempotency.js';
import type {
  AgentRecord,
  ContactRecord,
  ContactStatus,
  CustomerRecord,
  FinishedCallRecord,
  PhoneDecision,
  PresenceRecord,
  ReservationRecord,
  RoutingSnapshot,
} from './types.js';

/** What is kept of a forgotten (pruned) call, under its call id. */
export type FinishedCall = Omit<FinishedCallRecord, 'callId'>;

const FINISHED: ReadonlySet<ContactStatus> = new Set(['ended', 'abandoned', 'rejected', 'failed']);

export function isFinished(status: ContactStatus): boolean {
  return FINISHED.has(status);
}

function isLive(r: ReservationRecord): boolean {
  return r.status === 'offered' || r.status === 'accepted';
}

/** One waiting contact in its queue's order: the order of the SQL `waitingContacts` (deadline − boost, then arrival). */
interface WaitingEntry {
  id: string;
  key: number;
  arrived: number;
}

function waitingEntry(c: ContactRecord): WaitingEntry {
  return { id: c.id, key: c.deadline.getTime() - c.priorityBoostSeconds * 1000, arrived: c.arrivedAt.getTime() };
}

function compareEntries(a: WaitingEntry, b: WaitingEntry): number {
  if (a.key !== b.key) return a.key - b.key;
  if (a.arrived !== b.arrived) return a.arrived - b.arrived;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The queued contacts of one stored queue, kept sorted (binary insertion: cheap top-N reads). */
class WaitingList {
  readonly entries: WaitingEntry[] = [];

  private lowerBound(e: WaitingEntry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.entries[mid], e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(c: ContactRecord): void {
    const e = waitingEntry(c);
    this.entries.splice(this.lowerBound(e), 0, e);
  }

  remove(c: ContactRecord): void {
    const i = this.lowerBound(waitingEntry(c));
    if (i < this.entries.length && this.entries[i].id === c.id) this.entries.splice(i, 1);
  }
}

function isWaiting(c: ContactRecord | undefined): c is ContactRecord & { queueId: string } {
  return !!c && c.status === 'queued' && c.queueId !== null;
}

function sameWaitingPlace(a: ContactRecord & { queueId: string }, b: ContactRecord & { queueId: string }): boolean {
  return (
    a.queueId === b.queueId &&
    a.deadline.getTime() === b.deadline.getTime() &&
    a.priorityBoostSeconds === b.priorityBoostSeconds &&
    a.arrivedAt.getTime() === b.arrivedAt.getTime()
  );
}

/** One accepted (in hand) reservation in the order its agent took it. */
interface HeldEntry {
  id: string;
  at: number;
}

function compareHeld(a: HeldEntry, b: HeldEntry): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function heldEntry(r: ReservationRecord): HeldEntry {
  return { id: r.id, at: (r.resolvedAt ?? r.offeredAt).getTime() };
}

/**
 * The accepted reservations, kept sorted by when their agent took them (binary insertion; they are
 * taken in clock order, so an insert lands at the end): the maximum contact duration check reads
 * the oldest few instead of every contact in hand.
 */
class HeldList {
  readonly entries: HeldEntry[] = [];

  private lowerBound(e: HeldEntry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareHeld(this.entries[mid], e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(r: ReservationRecord): void {
    const e = heldEntry(r);
    this.entries.splice(this.lowerBound(e), 0, e);
  }

  remove(r: ReservationRecord): void {
    const i = this.lowerBound(heldEntry(r));
    if (i < this.entries.length && this.entries[i].id === r.id) this.entries.splice(i, 1);
  }
}

/** One department's agents: records in joining order, and where each agent's is. */
class Roster {
  readonly records: AgentRecord[] = [];
  private readonly at = new Map<string, number>();

  add(a: AgentRecord): void {
    this.at.set(a.agentId, this.records.length);
    this.records.push(a);
  }

  /** A new version of an agent already in the roster. */
  replace(a: AgentRecord): void {
    this.records[this.at.get(a.agentId)!] = a;
  }

  /** Rare (an agent leaves the department or is deleted): the later agents move up one place. */
  remove(id: string): void {
    const i = this.at.get(id);
    if (i === undefined) return;
    this.records.splice(i, 1);
    this.at.delete(id);
    for (let k = i; k < this.records.length; k++) this.at.set(this.records[k].agentId, k);
  }
}

export class RoutingState {
  /** How many forgotten calls keep their decision for call-id idempotency. */
  static readonly MAX_FINISHED_CALLS = 200_000;

  private readonly agentsById = new Map<string, AgentRecord>();
  /** Home department → its agents' current records, in the order they joined it (a new version replaces the old in place). */
  private readonly agentsByDepartment = new Map<string, Roster>();
  /** Borrowing department → agents with an active loan to it (any window). */
  private readonly agentsLentToDepartment = new Map<string, Set<string>>();
  private readonly contactsById = new Map<string, ContactRecord>();
  private readonly contactIdByCallId = new Map<string, string>();
  private readonly reservationsById = new Map<string, ReservationRecord>();
  private readonly liveByContact = new Map<string, string>();
  private readonly liveByAgent = new Map<string, Set<string>>();
  /** Reservations in status 'offered' (the offers a tick may expire). */
  private readonly openOfferIds = new Set<string>();
  /** Reservations in status 'accepted', oldest taken first (the contacts a tick may find held too long). */
  private readonly held = new HeldList();
  private readonly waitingByQueue = new Map<string, WaitingList>();
  private readonly customersById = new Map<string, CustomerRecord>();
  private readonly customerIdByPhone = new Map<string, string>();
  private readonly customerIdByRef = new Map<string, string>();
  /** Customers put or added since the last pruneCustomers, which keeps them whatever refers to them (see there). */
  private readonly customersTouched = new Set<string>();
  private readonly finishedCalls = new Map<string, FinishedCall>();
  /**
   * Finished contacts (with an end time) in the order they finished, with that time in ms: what
   * prune walks, oldest first, instead of every contact in memory (a scan of every contact each
   * tick grew with the load: ~200,000 contacts after two minutes at the bench's rate).
   */
  private readonly finishedOrder = new Map<string, number>();
  /** The resolved (not live) reservations of each contact, forgotten with it. */
  private readonly resolvedByContact = new Map<string, Set<string>>();
  /**
   * Waiting calls that have long-polled their decision: contact id → when the call is presumed gone
   * without another poll (ms; types.ts pollDueBy). Kept while the call is queued or ringing (a call
   * back in line after a failed offer is watched again); dropped once it is answered or finished.
   */
  private readonly pollDue = new Map<string, number>();
  /**
   * Call offers a long poll has answered with (libs/routing offerReachedTelephony): in memory only,
   * not an operation, forgotten with the reservation. A new owner counts every offer it loads as
   * delivered (it cannot tell), as before this was known.
   */
  private readonly deliveredOffers = new Set<string>();
  /** Contacts whose poll deadline changed since takePollDeadlines (what the tick hands to the writer). */
  private readonly pollDueChanged = new Set<string>();
  /**
   * The first uses of Idempotency-Keys recorded by this state (idempotencyScope → record), oldest
   * first: a retry that reaches the owner before the key's group has committed, or soon after, is
   * answered from here. Not loaded from the tables: a key not here is looked up there (the engine's
   * prepare step), and pruneIdempotencyKeys forgets the old ones.
   */
  private readonly idempotencyKeys = new Map<string, IdempotencyKeyRecord>();
  /** Undo steps of the running operation, null outside one. */
  private journal: (() => void)[] | null = null;

  static from(snapshot: RoutingSnapshot): RoutingState {
    const s = new RoutingState();
    for (const a of snapshot.agents) s.setAgent(a.agentId, a);
    for (const c of snapshot.customers) s.setCustomer(c.id, c);
    for (const c of snapshot.contacts) s.setContact(c.id, c);
    for (const r of snapshot.reservations) {
      s.setReservation(r.id, r);
      if (r.status === 'offered') s.deliveredOffers.add(r.id);
    }
    for (const f of snapshot.finishedCalls ?? []) if (!s.contactIdByCallId.has(f.callId)) s.rememberCall(f);
    for (const p of snapshot.pollDeadlines ?? []) if (s.contactsById.has(p.contactId)) s.pollDue.set(p.contactId, p.dueBy.getTime());
    // The snapshot's finished contacts in the order they ended, as prune expects.
    const finished = [...s.finishedOrder].sort((a, b) => a[1] - b[1]);
    s.finishedOrder.clear();
    for (const [id, at] of finished) s.finishedOrder.set(id, at);
    return s;
  }

  // ---------------------------------------------------------------- reads

  agent(id: string): AgentRecord | undefined {
    return this.agentsById.get(id);
  }

  agents(): IterableIterator<AgentRecord> {
    return this.agentsById.values();
  }

  /**
   * The agents whose home department is `departmentId`: the state's own list, read-only and valid
   * until the next change (every routing decision walks it, so it is not copied).
   */
  agentsOfDepartment(departmentId: string): readonly AgentRecord[] {
    return this.agentsByDepartment.get(departmentId)?.records ?? [];
  }

  /** The agents of other departments with an active loan (any window) to `departmentId`. */
  *agentsLentTo(departmentId: string): IterableIterator<AgentRecord> {
    for (const id of this.agentsLentToDepartment.get(departmentId) ?? []) {
      const a = this.agentsById.get(id)!;
      if (a.departmentId !== departmentId) yield a;
    }
  }

  contact(id: string): ContactRecord | undefined {
    return this.contactsById.get(id);
  }

  contacts(): IterableIterator<ContactRecord> {
    return this.contactsById.values();
  }

  contactByCallId(callId: string): ContactRecord | undefined {
    const id = this.contactIdByCallId.get(callId);
    return id === undefined ? undefined : this.contactsById.get(id);
  }

  /** A call whose contact was pruned: its decision and last status. */
  finishedCall(callId: string): FinishedCall | undefined {
    return this.finishedCalls.get(callId);
  }

  reservation(id: string): ReservationRecord | undefined {
    return this.reservationsById.get(id);
  }

  /** The contact's resolved reservation offered last (rejected, expired, failed, cancelled …), if any is still kept. */
  lastResolvedReservation(contactId: string): ReservationRecord | undefined {
    let last: ReservationRecord | undefined;
    for (const id of this.resolvedByContact.get(contactId) ?? []) {
      const r = this.reservationsById.get(id)!;
      if (!last || r.offeredAt.getTime() >= last.offeredAt.getTime()) last = r;
    }
    return last;
  }

  /** The contact's offered or accepted reservation. */
  liveReservation(contactId: string): ReservationRecord | undefined {
    const id = this.liveByContact.get(contactId);
    return id === undefined ? undefined : this.reservationsById.get(id);
  }

  /** The agent's offered and accepted reservations, in offer order. */
  liveReservationsOf(agentId: string): ReservationRecord[] {
    const out: ReservationRecord[] = [];
    for (const id of this.liveByAgent.get(agentId) ?? []) out.push(this.reservationsById.get(id)!);
    return out.sort((a, b) => a.offeredAt.getTime() - b.offeredAt.getTime());
  }

  /** Whether one of the agent's live reservations is accepted (a contact in hand, not only offered). */
  holdsAccepted(agentId: string): boolean {
    for (const id of this.liveByAgent.get(agentId) ?? []) if (this.reservationsById.get(id)!.status === 'accepted') return true;
    return false;
  }

  /** Reservations in status 'offered'. */
  *openOffers(): IterableIterator<ReservationRecord> {
    for (const id of this.openOfferIds) yield this.reservationsById.get(id)!;
  }

  /**
   * Accepted reservations taken (resolvedAt) at or before `at`, the longest held first. A copy:
   * the caller may resolve them as it goes.
   */
  heldSince(at: Date): ReservationRecord[] {
    const t = at.getTime();
    const out: ReservationRecord[] = [];
    for (const e of this.held.entries) {
      if (e.at > t) break;
      out.push(this.reservationsById.get(e.id)!);
    }
    return out;
  }

  /** A long poll answered with this offer: the telephony knows of it (not an operation, no row changes). */
  markOfferDelivered(reservationId: string): void {
    if (this.reservationsById.get(reservationId)?.status === 'offered') this.deliveredOffers.add(reservationId);
  }

  /** Whether a long poll answered with this offer (or it was loaded by this owner). */
  offerDelivered(reservationId: string): boolean {
    return this.deliveredOffers.has(reservationId);
  }

  /** The poll deadline of a call that has long-polled (ms), if it has. */
  pollDueOf(contactId: string): number | undefined {
    return this.pollDue.get(contactId);
  }

  /** The calls whose poll deadline is at or before `at` (ms), earliest first, at most `limit`. */
  pollsDueBy(at: number, limit: number): { contactId: string; dueBy: number }[] {
    const out: { contactId: string; dueBy: number }[] = [];
    for (const [contactId, dueBy] of this.pollDue) if (dueBy <= at) out.push({ contactId, dueBy });
    out.sort((a, b) => a.dueBy - b.dueBy || (a.contactId < b.contactId ? -1 : 1));
    return out.length > limit ? out.slice(0, limit) : out;
  }

  /** Stored queue ids with at least one queued contact. */
  waitingQueueIds(): IterableIterator<string> {
    return this.waitingByQueue.keys();
  }

  /** The first `limit` queued contacts of a queue, most urgent first (deadline − boost, then arrival). */
  waiting(queueId: string, limit = Infinity): ContactRecord[] {
    const list = this.waitingByQueue.get(queueId);
    if (!list) return [];
    const n = Math.min(limit, list.entries.length);
    const out: ContactRecord[] = [];
    for (let i = 0; i < n; i++) out.push(this.contactsById.get(list.entries[i].id)!);
    return out;
  }

  /** Queued contacts of a queue that arrived at or before `at` (the SQL countWaitingAhead). */
  countWaitingArrivedBy(queueId: string, at: Date): number {
    const list = this.waitingByQueue.get(queueId);
    if (!list) return 0;
    const t = at.getTime();
    let n = 0;
    for (const e of list.entries) if (e.arrived <= t) n++;
    return n;
  }

  customer(id: string): CustomerRecord | undefined {
    return this.customersById.get(id);
  }

  customerByPhone(phone: string): CustomerRecord | undefined {
    const id = this.customerIdByPhone.get(phone);
    return id === undefined ? undefined : this.customersById.get(id);
  }

  customerByRef(ref: string): CustomerRecord | undefined {
    const id = this.customerIdByRef.get(ref);
    return id === undefined ? undefined : this.customersById.get(id);
  }

  /** The contacts in memory of a customer (a scan: only a customer link, which is rare, asks). */
  contactsOfCustomer(customerId: string): ContactRecord[] {
    const out: ContactRecord[] = [];
    for (const c of this.contactsById.values()) if (c.customerId === customerId) out.push(c);
    return out;
  }

  // ---------------------------------------------------------------- changes (journaled; used by RoutingCore)

  /** Opens the undo journal of one operation. */
  begin(): void {
    if (this.journal) throw new Error('RoutingState: an operation is already running');
    this.journal = [];
  }

  commit(): void {
    this.journal = null;
  }

  /** Puts back every version the operation replaced, newest first. */
  rollback(): void {
    const journal = this.journal;
    this.journal = null;
    if (!journal) return;
    for (let i = journal.length - 1; i >= 0; i--) journal[i]();
  }

  putContact(row: ContactRecord): void {
    const old = this.contactsById.get(row.id);
    this.journal?.push(() => this.setContact(row.id, old));
    this.setContact(row.id, row);
  }

  putReservation(row: ReservationRecord): void {
    const old = this.reservationsById.get(row.id);
    this.journal?.push(() => this.setReservation(row.id, old));
    this.setReservation(row.id, row);
  }

  /** Replaces the agent's presence (the agent record gets a new version with it). */
  putPresence(row: PresenceRecord): void {
    const old = this.agentsById.get(row.agentId);
    if (!old) throw new Error(`RoutingState: no agent ${row.agentId}`);
    this.journal?.push(() => this.setAgent(row.agentId, old));
    this.setAgent(row.agentId, { ...old, presence: row });
  }

  putCustomer(row: CustomerRecord): void {
    const old = this.customersById.get(row.id);
    this.journal?.push(() => this.setCustomer(row.id, old));
    this.setCustomer(row.id, row);
  }

  /** A customer merged into another (a customer link): gone from every index. */
  removeCustomer(id: string): void {
    const old = this.customersById.get(id);
    if (!old) return;
    this.journal?.push(() => this.setCustomer(id, old));
    this.setCustomer(id, undefined);
  }

  /**
   * Moves a call's poll deadline to `dueBy` (ms) unless it is later already; journaled inside an
   * operation (a requeue), plain outside one (a poll, which is not an operation: it writes nothing).
   */
  extendPollDue(contactId: string, dueBy: number): void {
    const old = this.pollDue.get(contactId);
    if (old !== undefined && old >= dueBy) return;
    this.journal?.push(() => (old === undefined ? this.pollDue.delete(contactId) : this.pollDue.set(contactId, old)));
    this.pollDue.set(contactId, dueBy);
    this.pollDueChanged.add(contactId);
  }

  /** The first use of an Idempotency-Key recorded in memory, if any (live or not: the caller checks). */
  idempotencyKey(claim: { apiKeyId: string; key: string }): IdempotencyKeyRecord | undefined {
    return this.idempotencyKeys.get(idempotencyScope(claim));
  }

  /** Records a key's first use (journaled: undone with a failed operation); a record of the same key it replaces (an expired one) goes. */
  putIdempotencyKey(row: IdempotencyKeyRecord): void {
    const scope = idempotencyScope(row);
    const old = this.idempotencyKeys.get(scope);
    this.journal?.push(() => {
      this.idempotencyKeys.delete(scope);
      if (old) this.idempotencyKeys.set(scope, old);
    });
    // Deleted first, so that the map stays in order of first use (pruneIdempotencyKeys stops at the first it keeps).
    this.idempotencyKeys.delete(scope);
    this.idempotencyKeys.set(scope, row);
  }

  /**
   * Forgets the keys first used before `before` — and, beyond `max` keys in memory, the oldest
   * whatever their age (a maintenance step, not journaled): their records are in the tables, where a
   * later retry finds them. Returns how many were forgotten.
   */
  pruneIdempotencyKeys(before: Date, max = Number.POSITIVE_INFINITY): number {
    const cutoff = before.getTime();
    const gone: string[] = [];
    for (const [scope, r] of this.idempotencyKeys) {
      if (r.createdAt.getTime() >= cutoff && this.idempotencyKeys.size - gone.length <= max) break;
      gone.push(scope);
    }
    for (const scope of gone) this.idempotencyKeys.delete(scope);
    return gone.length;
  }

  /**
   * Forgets the keys first used by these contacts, or by any contact of these customers held here
   * (an erasure deleted their records in the tables; a maintenance step, not journaled). Scans the
   * keys in memory (at most the owner's bound): erasures are rare. Returns how many were forgotten.
   */
  forgetIdempotencyKeysOf(contactIds: Iterable<string>, customerIds: Iterable<string> = []): number {
    const contacts = new Set(contactIds);
    const customers = new Set(customerIds);
    if (!contacts.size && !customers.size) return 0;
    const gone: string[] = [];
    for (const [scope, r] of this.idempotencyKeys) {
      const customerId = customers.size ? this.contactsById.get(r.contactId)?.customerId : undefined;
      if (contacts.has(r.contactId) || (customerId != null && customers.has(customerId))) gone.push(scope);
    }
    for (const scope of gone) this.idempotencyKeys.delete(scope);
    return gone.length;
  }

  /** Keys' first uses in memory. */
  get idempotencyKeyCount(): number {
    return this.idempotencyKeys.size;
  }

  /** Forgets a call's poll deadline (answered or finished: it cannot wait in line again). */
  forgetPollDue(contactId: string): void {
    if (!this.pollDue.has(contactId)) return;
    const old = this.pollDue.get(contactId)!;
    this.journal?.push(() => this.pollDue.set(contactId, old));
    this.pollDue.delete(contactId);
  }

  /** The poll deadlines changed since the last call, of calls still watched (for the writer); clears the list. */
  takePollDeadlines(): Map<string, Date> {
    const out = new Map<string, Date>();
    for (const id of this.pollDueChanged) {
      const due = this.pollDue.get(id);
      if (due !== undefined) out.set(id, new Date(due));
    }
    this.pollDueChanged.clear();
    return out;
  }

  // ---------------------------------------------------------------- maintenance (mirrors the tables; not changes)

  /** A customer read from the table (the core looks customers up synchronously). */
  addCustomer(c: CustomerRecord): void {
    this.setCustomer(c.id, c);
  }

  /** Erased customers: a later contact from the same number or reference starts a new customer. */
  customerIds(): IterableIterator<string> {
    return this.customersById.keys();
  }

  forgetCustomers(ids: Iterable<string>): void {
    for (const id of ids) this.setCustomer(id, undefined);
  }

  /**
   * Forgets the customers no contact in memory refers to and that nothing put or added since the
   * previous call; returns how many. Without it every caller and reference ever seen stayed in
   * memory until the owner restarted. A forgotten customer is read from the table again at its next
   * contact (its last agent with it: the writer stored it long before). Kept whatever refers to them:
   * the customers put or added since the previous call — an operation may be about to use one its
   * adapter has just read from the table, and a customer changed moments ago may still be on its way
   * to the table. Call it at an interval longer than any write takes.
   */
  pruneCustomers(): number {
    const referenced = new Set<string>();
    for (const c of this.contactsById.values()) if (c.customerId !== null) referenced.add(c.customerId);
    const gone: string[] = [];
    for (const id of this.customersById.keys()) if (!referenced.has(id) && !this.customersTouched.has(id)) gone.push(id);
    for (const id of gone) this.setCustomer(id, undefined);
    this.customersTouched.clear();
    return gone.length;
  }

  /**
   * An erasure blanked the caller's name, reference and subject on these customers' contacts in
   * the table: the loaded contacts follow (new versions; nothing routing uses changes). Returns
   * how many changed. Scans the loaded contacts: erasures are rare.
   */
  erasePersonalDataOf(customerIds: Iterable<string>): number {
    const ids = new Set(customerIds);
    if (!ids.size) return 0;
    let n = 0;
    for (const c of [...this.contactsById.values()]) {
      if (c.customerId === null || !ids.has(c.customerId)) continue;
      if (c.customerRef === null && c.callerName === null && c.subject === null) continue;
      this.setContact(c.id, { ...c, customerRef: null, callerName: null, subject: null });
      n++;
    }
    return n;
  }

  /** An agent's static data read again (agent, skills or loans changed); the presence in memory stays. */
  putAgentStatics(a: Omit<AgentRecord, 'presence'> & { presence?: unknown }): void {
    const { presence: _ignored, ...statics } = a;
    const old = this.agentsById.get(a.agentId);
    this.setAgent(a.agentId, { ...statics, presence: old?.presence ?? null });
  }

  /**
   * A deleted agent, as the tables' foreign keys have it: its presence and reservations are gone
   * (ON DELETE CASCADE) and contacts and customers no longer name it (ON DELETE SET NULL).
   */
  removeAgent(id: string): void {
    if (!this.agentsById.has(id)) return;
    for (const r of [...this.reservationsById.values()]) if (r.agentId === id) this.setReservation(r.id, undefined);
    for (const c of [...this.contactsById.values()]) {
      if (c.agentId === id || c.previousAgentId === id) {
        this.setContact(c.id, { ...c, agentId: c.agentId === id ? null : c.agentId, previousAgentId: c.previousAgentId === id ? null : c.previousAgentId });
      }
    }
    for (const c of [...this.customersById.values()]) if (c.lastAgentId === id) this.setCustomer(c.id, { ...c, lastAgentId: null });
    this.setAgent(id, undefined);
  }

  /**
   * Forgets finished contacts (ended, abandoned, rejected, failed) that ended more than
   * `keepFinishedMs` before `now` — and, beyond `maxFinished` finished contacts in memory, the
   * oldest whatever their age — with their resolved reservations. A forgotten call keeps its
   * decision and last status (the last MAX_FINISHED_CALLS call ids) so that a retried decision or a
   * late telephony event is still answered as the tables would. Walks the finished contacts oldest
   * first and stops at the first one it keeps (end times follow the clock). Returns the contacts
   * forgotten.
   */
  prune(now: Date, keepFinishedMs: number, maxFinished = Number.POSITIVE_INFINITY): number {
    const cutoff = now.getTime() - keepFinishedMs;
    const gone: string[] = [];
    for (const [id, endedAt] of this.finishedOrder) {
      if (endedAt >= cutoff && this.finishedOrder.size - gone.length <= maxFinished) break;
      gone.push(id);
    }
    for (const id of gone) {
      const c = this.contactsById.get(id)!;
      if (c.callId !== null) {
        this.rememberCall({ callId: c.callId, contactId: c.id, decisionId: c.decisionId, decision: c.decision as PhoneDecision | null, status: c.status, kind: c.kind });
      }
      for (const r of [...(this.resolvedByContact.get(id) ?? [])]) this.setReservation(r, undefined);
      this.setContact(id, undefined);
      this.pollDue.delete(id);
      this.pollDueChanged.delete(id);
    }
    return gone.length;
  }

  /** Remembers a forgotten call as the newest, dropping the oldest beyond MAX_FINISHED_CALLS. */
  private rememberCall({ callId, ...call }: FinishedCallRecord): void {
    this.finishedCalls.delete(callId);
    this.finishedCalls.set(callId, call);
    if (this.finishedCalls.size > RoutingState.MAX_FINISHED_CALLS) this.finishedCalls.delete(this.finishedCalls.keys().next().value!);
  }

  /** Finished contacts in memory (what prune may forget). */
  get finishedCount(): number {
    return this.finishedOrder.size;
  }

  // ---------------------------------------------------------------- raw puts with index upkeep

  private setAgent(id: string, next: AgentRecord | undefined): void {
    const prev = this.agentsById.get(id);
    const staticsChanged = !prev || !next || prev.departmentId !== next.departmentId || prev.loans !== next.loans;
    if (prev && staticsChanged) {
      this.agentsByDepartment.get(prev.departmentId)?.remove(id);
      for (const l of prev.loans) this.agentsLentToDepartment.get(l.departmentId)?.delete(id);
    }
    if (!next) {
      this.agentsById.delete(id);
      return;
    }
    this.agentsById.set(id, next);
    if (staticsChanged) {
      let roster = this.agentsByDepartment.get(next.departmentId);
      if (!roster) this.agentsByDepartment.set(next.departmentId, (roster = new Roster()));
      roster.add(next);
      for (const l of next.loans) addTo(this.agentsLentToDepartment, l.departmentId, id);
    } else {
      this.agentsByDepartment.get(next.departmentId)!.replace(next);
    }
  }

  private setContact(id: string, next: ContactRecord | undefined): void {
    const prev = this.contactsById.get(id);
    if (prev?.callId != null && prev.callId !== next?.callId && this.contactIdByCallId.get(prev.callId) === id) this.contactIdByCallId.delete(prev.callId);
    const wasWaiting = isWaiting(prev);
    const willWait = isWaiting(next);
    const moves = !(wasWaiting && willWait && sameWaitingPlace(prev, next));
    if (wasWaiting && moves) {
      const list = this.waitingByQueue.get(prev.queueId);
      if (list) {
        list.remove(prev);
        if (!list.entries.length) this.waitingByQueue.delete(prev.queueId);
      }
    }
    const endedAt = next && isFinished(next.status) && next.endedAt ? next.endedAt.getTime() : null;
    if (endedAt === null) this.finishedOrder.delete(id);
    else if (this.finishedOrder.get(id) !== endedAt) {
      this.finishedOrder.delete(id);
      this.finishedOrder.set(id, endedAt);
    }
    if (!next) {
      this.contactsById.delete(id);
      return;
    }
    this.contactsById.set(id, next);
    if (next.callId !== null) this.contactIdByCallId.set(next.callId, id);
    if (willWait && moves) {
      let list = this.waitingByQueue.get(next.queueId);
      if (!list) this.waitingByQueue.set(next.queueId, (list = new WaitingList()));
      list.add(next);
    }
  }

  private setReservation(id: string, next: ReservationRecord | undefined): void {
    const prev = this.reservationsById.get(id);
    if (prev && isLive(prev)) {
      if (this.liveByContact.get(prev.contactId) === id) this.liveByContact.delete(prev.contactId);
      const set = this.liveByAgent.get(prev.agentId);
      set?.delete(id);
      if (set && !set.size) this.liveByAgent.delete(prev.agentId);
    }
    if (prev && !isLive(prev)) {
      const set = this.resolvedByContact.get(prev.contactId);
      set?.delete(id);
      if (set && !set.size) this.resolvedByContact.delete(prev.contactId);
    }
    if (prev?.status === 'accepted') this.held.remove(prev);
    this.openOfferIds.delete(id);
    if (!next) {
      this.reservationsById.delete(id);
      this.deliveredOffers.delete(id);
      return;
    }
    this.reservationsById.set(id, next);
    if (isLive(next)) {
      this.liveByContact.set(next.contactId, id);
      addTo(this.liveByAgent, next.agentId, id);
    } else addTo(this.resolvedByContact, next.contactId, id);
    if (next.status === 'offered') this.openOfferIds.add(id);
    if (next.status === 'accepted') this.held.add(next);
  }

  private setCustomer(id: string, next: CustomerRecord | undefined): void {
    const prev = this.customersById.get(id);
    if (prev?.phoneNumber != null && this.customerIdByPhone.get(prev.phoneNumber) === id) this.customerIdByPhone.delete(prev.phoneNumber);
    if (prev?.externalRef != null && this.customerIdByRef.get(prev.externalRef) === id) this.customerIdByRef.delete(prev.externalRef);
    if (!next) {
      this.customersById.delete(id);
      return;
    }
    this.customersById.set(id, next);
    this.customersTouched.add(id);
    if (next.phoneNumber !== null) this.customerIdByPhone.set(next.phoneNumber, id);
    if (next.externalRef !== null) this.customerIdByRef.set(next.externalRef, id);
  }
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}
