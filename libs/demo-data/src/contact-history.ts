/**
 * The demo's routed contact history: the contacts of the customer-service queues over the last
 * days before "today", with timelines as the live routing engine writes them, so that every report
 * has data right after `npm start`.
 *
 * - Volumes and outcomes come from the demo's own interval statistics of those days: per queue and
 *   15-minute interval, the offered contacts arrive uniformly inside the interval; a phone call is
 *   abandoned, answered within the target or answered later in the proportions of the statistic
 *   (about 87 % within 30 s after the level shift, worse on the letter-batch spike days, 6–7 %
 *   abandoned); talk and handle times are drawn around the interval's AHT. A chat abandoned in the
 *   statistic is abandoned as the chat gateway reports it (`POST /v1/contacts/{id}/abandon`: an
 *   `abandoned` event `{ reportedBy: 'gateway' }`), after the customer's patience; a chat that found
 *   no agent before closing is abandoned at closing time.
 * - Scale: the routed days are the statistics of those days at full scale — every offered contact
 *   of an interval is one contact — so the reports of the routed week show the same volumes as the
 *   history that forecasting learns from (a full default week of the demo agency is ~25,500
 *   contacts, ~160,000 timeline events and ~78,000 agent state spans). MAX_DEMO_CONTACTS is only a
 *   guard for longer `contactHistoryDays`: above it every contact is kept with the same probability
 *   `scale` (thinning; the shares stay, the volumes are `scale` × the statistics' and then no longer
 *   match the history the forecast reads). An earlier version capped the default week at 10,000
 *   (scale ~0.38), and its reports showed ~2.6 × less than the forecast of the coming week.
 * - Agents: each open day the department's agents (less ~8 % absent) are rostered in shifts of 8 h
 *   (30-minute lunch, starting 08:00–10:00), 6 h or 4 h, as many as the day's work needs (per
 *   quarter-hour: workload in Erlangs E → E + 1.3 √E + 1 agents, per language too), phone first,
 *   the rest on chat and email. Then the contacts are offered in time order: a call to a free phone
 *   agent with the queue's language (one call at a time, wrap-up 30 s after it), a chat or email to
 *   a chat/email agent with room (chat capacity of the agent, five emails), never during its
 *   wrap-up or lunch; the customer's previous agent first, else the fewest in hand and longest
 *   idle. When nobody is free the contact waits longer (a caller who runs out of patience abandons).
 * - Emails: answered in business time of the email calendar (Mon–Fri 08–16, Finnish holidays),
 *   within the one-business-day target in the statistic's share, the rest later (mean ~1.2 business
 *   days more); an email whose reply would come after the history stays open (queued: the backlog).
 * - Customers: a pool of fake customers (numbers +358 400 000 001…, references demo-00001…) with
 *   one record for phone and gateway reference, so repeat contacts link across channels; about a
 *   fifth of the contacts come from a customer who was in touch earlier in the week.
 * - Agent states: the span of each state change (available, reserved, busy, wrap-up, break) as the
 *   trigger on agent_presence records them for the occupancy report.
 * Ids are drawn from the seeded stream: the same seed gives the same history.
 */
import type { Channel } from '../../core/src/channel.js';
import { BusinessCalendar } from '../../calendar/src/business-calendar.js';
import { addDays, isoWeekday } from '../../calendar/src/local-date.js';
import { localDateOf, localToEpoch } from '../../calendar/src/time-zone.js';
import { DEFAULT_ROUTING_CONFIG } from '../../routing/src/model.js';
import type { DemoAgent, DemoCalendar, DemoEntryPoint, DemoIntervalStatistic, DemoQueue } from './generate-demo-data.js';
import { SeededRandom } from './random.js';
import { minOf, maxOf } from '../../core/src/extremes.js';

/** The most contacts the demo history holds (see the cap above). */
export const MAX_DEMO_CONTACTS = 60_000;
/** The wrap-up the engine records when a queue has no routing settings (DEFAULT_SETTINGS of the API's routing catalog). */
export const DEMO_WRAP_UP_SECONDS = 30;

export type DemoContactEventType = 'queued' | 'reserved' | 'offered' | 'accepted' | 'answered' | 'ended' | 'completed' | 'abandoned';
export type DemoAgentState = 'available' | 'reserved' | 'busy' | 'wrap-up' | 'break';

export interface DemoContactEvent {
  at: Date;
  type: DemoContactEventType;
  /** Employee number of the agent (the repository stores the agent's id). */
  agent: string | null;
  /** Index into the contact's reservations. */
  reservation: number | null;
  /**
   * The detail as the engine writes it, less the ids the database assigns: the repository adds the
   * queue's id to `queued` (`queueId`) and, for `byAgent` accepts, the engine's
   * `{ explanation: 'agent <id> accepted contact <id>' }`.
   */
  detail: Record<string, unknown> | null;
  byAgent?: boolean;
}

export interface DemoReservation {
  id: string;
  agent: string;
  channel: Channel;
  status: 'completed';
  offeredAt: Date;
  expiresAt: Date;
  resolvedAt: Date;
}

/** A phone decision as stored on the contact; the repository adds agentId / queueId. */
export type DemoDecision =
  | { decisionId: string; decision: 'agent'; agent: string; target: string }
  | { decisionId: string; decision: 'queue'; position: number; estimatedWaitSeconds: number };

export interface DemoContact {
  id: string;
  channel: Channel;
  queueKey: string;
  kind: 'inbound';
  status: 'ended' | 'abandoned' | 'queued';
  callId: string | null;
  decisionId: string;
  decision: DemoDecision | null;
  /** Index into DemoContactHistory.customers. */
  customer: number;
  /** The gateway's reference of a chat or email (phone contacts are identified by the number). */
  customerRef: string | null;
  calledNumber: string | null;
  language: string;
  subject: string | null;
  arrivedAt: Date;
  deadline: Date;
  previousAgent: string | null;
  /** The agent the contact was offered to and answered by (employee number). */
  agent: string | null;
  offerAttempts: number;
  answeredAt: Date | null;
  endedAt: Date | null;
  endReason: 'ended' | 'completed' | 'abandoned' | null;
  explanation: Record<string, unknown>;
  events: DemoContactEvent[];
  reservations: DemoReservation[];
}

export interface DemoCustomer {
  id: string;
  phoneNumber: string;
  ref: string;
  lastAgent: string | null;
  lastContactAt: Date | null;
}

export interface DemoAgentStateSpan {
  agent: string;
  state: DemoAgentState;
  from: Date;
  to: Date;
}

export interface DemoContactHistory {
  /** First and last local day of the history (empty when `days` is 0). */
  firstDay: string | null;
  lastDay: string | null;
  /** Share of the interval statistics' contacts kept under the cap (1 = all). */
  scale: number;
  customers: DemoCustomer[];
  contacts: DemoContact[];
  agentStates: DemoAgentStateSpan[];
}

export interface ContactHistoryInput {
  seed: number;
  /** Days of history up to and including the day before `today`; 0 = none. */
  days: number;
  today: string;
  timeZone: string;
  departmentKey: string;
  agents: readonly DemoAgent[];
  queues: readonly DemoQueue[];
  calendars: readonly DemoCalendar[];
  holidays: ReadonlySet<string>;
  entryPoints: readonly DemoEntryPoint[];
  history: readonly DemoIntervalStatistic[];
  /** Default handle time per channel when an interval has none. */
  aht: Record<Channel, number>;
  maxContacts?: number;
}

const SLOT_MS = 15 * 60_000;
const OPEN_MINUTES = 8 * 60;
const CLOSE_MINUTES = 18 * 60;
const SLOTS = (CLOSE_MINUTES - OPEN_MINUTES) / 15;
const LUNCH_MS = 30 * 60_000;
const WRAP_MS = DEMO_WRAP_UP_SECONDS * 1000;
const PREVIOUS_AGENT_MS = 30 * 86_400_000;
const EMAIL_TARGET_SECONDS = 8 * 3600;
const SUBJECTS = ['Payment plan', 'Question about my invoice', 'Due date extension', 'Disputed claim', 'Proof of payment', 'Instalments', 'Letter received'];
const TIMEOUT = DEFAULT_ROUTING_CONFIG.offerTimeoutSeconds;

type Outcome = 'within' | 'late' | 'abandoned';
type Role = 'phone' | 'digital';

interface Item {
  channel: Channel;
  offerAt: number;
  acceptAt: number;
  doneAt: number;
}

interface Shift {
  agent: DemoAgent;
  role: Role;
  start: number;
  end: number;
  /** Planned start of the 30-minute lunch (8-hour shifts only). */
  lunchAt: number | null;
  breakStart: number | null;
  breakEnd: number;
  items: Item[];
  /** Digital: items whose end or wrap-up may still matter. */
  active: Item[];
  /** Phone: free again (end of the call's wrap-up). */
  freeAt: number;
  idleSince: number;
}

interface Customer {
  index: number;
  language: string;
  lastAgent: string | null;
  lastContactAt: number | null;
}

interface Planned {
  queue: DemoQueue;
  channel: Channel;
  arrival: number;
  outcome: Outcome;
  /** Offer → accept (ring time, or the agent's reaction), ms. */
  react: number;
  /** Accepted → end, ms. */
  handle: number;
  /** Abandoned: arrival → hang-up (a call) or the chat window closed, ms. Answered phone: how long the caller would wait at most, ms. */
  patience: number;
  desiredOffer: number;
  customer: Customer | null;
  previousAgent: string | null;
  shift: Shift | null;
  offerAt: number;
  rule: string;
  abandonAt: number;
  open: boolean;
}

/** A binary min-heap of (time, phase, sequence). */
class TimeQueue<T> {
  private readonly heap: { t: number; phase: number; seq: number; value: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, phase: number, value: T): void {
    const h = this.heap;
    h.push({ t, phase, seq: this.seq++, value });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): { t: number; phase: number; value: T } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  private less(a: { t: number; phase: number; seq: number }, b: { t: number; phase: number; seq: number }): boolean {
    return a.t !== b.t ? a.t < b.t : a.phase !== b.phase ? a.phase < b.phase : a.seq < b.seq;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
const staffFor = (erlangs: number): number => (erlangs > 0 ? Math.ceil(erlangs + 1.3 * Math.sqrt(erlangs) + 1) : 0);

function speaks(agent: DemoAgent, queue: DemoQueue): boolean {
  return queue.requiredSkills.every((r) => (agent.skills.find((s) => s.skill === r.skill)?.proficiency ?? 0) >= r.minProficiency);
}

/** Whether an item still in hand at `at` (other than `self`) keeps a digital agent out of wrap-up. */
function othersInHand(items: readonly Item[], self: Item, at: number): boolean {
  return items.some((j) => j !== self && j.offerAt <= at && at < j.doneAt);
}

function lastDone(s: Shift): number {
  if (s.role === 'phone') return s.freeAt;
  let t = s.start;
  for (const it of s.items) t = Math.max(t, it.doneAt + WRAP_MS);
  return t;
}

/** Whether the shift's agent may be offered a contact of `channel` at `t` (the engine's capacity rules). */
function canTake(s: Shift, channel: Channel, t: number): boolean {
  if (t < s.start || t >= s.end) return false;
  if (s.lunchAt !== null && t >= s.lunchAt) {
    if (s.breakStart === null) {
      s.breakStart = Math.max(s.lunchAt, lastDone(s));
      s.breakEnd = s.breakStart + LUNCH_MS;
    }
    if (t < s.breakEnd) return false;
  }
  if (s.role === 'phone') return channel === 'phone' && s.freeAt <= t;
  if (channel === 'phone') return false;
  s.active = s.active.filter((it) => it.doneAt + WRAP_MS > t);
  let chats = 0;
  let emails = 0;
  for (const it of s.active) {
    if (it.offerAt <= t && t < it.doneAt) {
      if (it.channel === 'chat') chats++;
      else emails++;
    } else if (it.doneAt <= t && t < it.doneAt + WRAP_MS && !othersInHand(s.active, it, it.doneAt)) {
      return false;
    }
  }
  return channel === 'chat' ? chats < s.agent.capacity.chat : emails < s.agent.capacity.email;
}

function inHand(s: Shift, t: number): number {
  return s.active.filter((it) => it.offerAt <= t && t < it.doneAt).length;
}

/** The state spans of one shift, merged, as the presence trigger would record them. */
function stateSpans(s: Shift): DemoAgentStateSpan[] {
  const logoff = Math.max(s.end, lastDone(s));
  if (s.breakStart === null && s.lunchAt !== null) {
    // Never asked for work after its lunch time: the break starts once the work in hand is done.
    s.breakStart = Math.max(s.lunchAt, lastDone(s));
    s.breakEnd = s.breakStart + LUNCH_MS;
  }
  const bs = s.breakStart ?? Number.POSITIVE_INFINITY;
  const wraps = s.items.filter((it) => !othersInHand(s.items, it, it.doneAt)).map((it) => [it.doneAt, it.doneAt + WRAP_MS] as const);
  const points = new Set<number>([s.start, logoff]);
  if (bs < logoff) {
    points.add(bs);
    points.add(Math.min(s.breakEnd, logoff));
  }
  for (const it of s.items) for (const p of [it.offerAt, it.acceptAt, it.doneAt]) points.add(p);
  for (const [a, b] of wraps) {
    points.add(a);
    points.add(b);
  }
  const sorted = [...points].filter((p) => p >= s.start && p <= logoff).sort((a, b) => a - b);
  const out: DemoAgentStateSpan[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const x = sorted[i];
    let state: DemoAgentState = 'available';
    if (bs <= x && x < s.breakEnd) state = 'break';
    else if (s.items.some((it) => it.acceptAt <= x && x < it.doneAt)) state = 'busy';
    else if (s.items.some((it) => it.offerAt <= x && x < it.doneAt)) state = 'reserved';
    else if (wraps.some(([a, b]) => a <= x && x < b)) state = 'wrap-up';
    const prev = out[out.length - 1];
    if (prev && prev.state === state) prev.to = new Date(sorted[i + 1]);
    else out.push({ agent: s.agent.employeeNumber, state, from: new Date(x), to: new Date(sorted[i + 1]) });
  }
  return out;
}

/** Shift options: 8 h with a 30-minute lunch starting 08:00–10:00, 6 h starting 08:00–12:00 and 4 h starting 08:00–14:00, on the half hour. */
const SHIFT_OPTIONS: { startSlot: number; slots: number; lunchSlot: number | null }[] = [
  ...[0, 2, 4, 6, 8].map((k) => ({ startSlot: k, slots: 32, lunchSlot: k + 16 })),
  ...[0, 2, 4, 6, 8, 10, 12, 14, 16].map((k) => ({ startSlot: k, slots: 24, lunchSlot: null })),
  ...[0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24].map((k) => ({ startSlot: k, slots: 16, lunchSlot: null })),
];
/** What a quarter-hour on shift beyond the requirement costs against one that meets it (rosters fit the curve). */
const IDLE_PENALTY = 0.35;

/**
 * Shifts for one role on one day: greedily the shift option and agent (by the languages they speak)
 * that best covers quarter-hours still short of the requirement (less a penalty for those already
 * covered), until nothing is gained or the pool is empty.
 */
function rosterDay(
  pool: DemoAgent[],
  languagesOf: Map<string, string[]>,
  need: { total: number[]; byLanguage: Record<string, number[]> },
  role: Role,
  dayOpen: number,
  random: SeededRandom,
): Shift[] {
  const cover = new Array<number>(SLOTS).fill(0);
  const coverLang: Record<string, number[]> = {};
  for (const l of Object.keys(need.byLanguage)) coverLang[l] = new Array<number>(SLOTS).fill(0);
  const shifts: Shift[] = [];
  const remaining = [...pool];
  const slotsOf = (o: (typeof SHIFT_OPTIONS)[number]) =>
    Array.from({ length: o.slots }, (_, i) => o.startSlot + i).filter((x) => x !== o.lunchSlot && x !== (o.lunchSlot ?? -2) + 1 && x < SLOTS);
  while (remaining.length) {
    const profiles = new Map<string, string[]>();
    for (const a of remaining) {
      const langs = languagesOf.get(a.employeeNumber)!;
      profiles.set(langs.join(','), langs);
    }
    let best: { option: (typeof SHIFT_OPTIONS)[number]; profile: string; score: number } | null = null;
    for (const option of SHIFT_OPTIONS) {
      const slots = slotsOf(option);
      const short = slots.filter((x) => need.total[x] > cover[x]).length;
      const base = short - IDLE_PENALTY * (slots.length - short);
      for (const [key, langs] of profiles) {
        let score = base;
        for (const l of langs) if (need.byLanguage[l]) score += slots.filter((x) => need.byLanguage[l][x] > coverLang[l][x]).length;
        if (!best || score > best.score) best = { option, profile: key, score };
      }
    }
    if (!best || best.score <= 0) break;
    const chosen = best;
    const at = remaining.findIndex((a) => languagesOf.get(a.employeeNumber)!.join(',') === chosen.profile);
    const [agent] = remaining.splice(at, 1);
    for (const x of slotsOf(chosen.option)) {
      cover[x]++;
      for (const l of languagesOf.get(agent.employeeNumber)!) if (coverLang[l]) coverLang[l][x]++;
    }
    const start = dayOpen + chosen.option.startSlot * SLOT_MS;
    shifts.push({
      agent, role, start, end: start + chosen.option.slots * SLOT_MS,
      lunchAt: chosen.option.lunchSlot === null ? null : dayOpen + chosen.option.lunchSlot * SLOT_MS + random.int(-1, 1) * SLOT_MS,
      breakStart: null, breakEnd: 0, items: [], active: [], freeAt: start, idleSince: start,
    });
  }
  return shifts;
}

export function generateContactHistory(input: ContactHistoryInput): DemoContactHistory {
  const days = Math.max(0, Math.floor(input.days));
  if (days === 0) return { firstDay: null, lastDay: null, scale: 1, customers: [], contacts: [], agentStates: [] };
  const random = new SeededRandom(input.seed);
  const tz = input.timeZone;
  const firstDay = addDays(input.today, -days);
  const lastDay = addDays(input.today, -1);
  const windowStart = localToEpoch(firstDay, 0, tz);
  const cutoff = localToEpoch(input.today, 0, tz);
  const queues = input.queues.filter((q) => q.departmentKey === input.departmentKey);
  const queueByKey = new Map(queues.map((q) => [q.key, q]));
  const calendars = new Map(
    input.calendars.map((c) => [c.key, new BusinessCalendar({ timeZone: c.timeZone, openingHours: c.openingHours, closedDates: [...input.holidays] })]),
  );
  const calledNumber = new Map(input.entryPoints.map((e) => [e.queueKey, e.calledNumber]));
  const agents = input.agents.filter((a) => a.departmentKey === input.departmentKey);

  // The statistics of the window and the cap.
  const stats = input.history.filter((h) => queueByKey.has(h.queueKey) && h.intervalStart.getTime() >= windowStart && h.intervalStart.getTime() < cutoff);
  const planned = (h: DemoIntervalStatistic) => h.offered;
  const total = stats.reduce((n, h) => n + planned(h), 0);
  const max = input.maxContacts ?? MAX_DEMO_CONTACTS;
  // Thinning is binomial: aim 3 % under the cap (about 4 standard deviations of the draw) and trim
  // the rare excess at random, so the cap holds.
  const scale = total > max ? (0.97 * max) / total : 1;

  // 1. The contacts: arrivals, outcomes, waits and handle times as the statistics say.
  const all: Planned[] = [];
  for (const h of stats) {
    const queue = queueByKey.get(h.queueKey)!;
    const channel = queue.channel;
    const outcomes: Outcome[] = [];
    const push = (o: Outcome, n: number) => {
      for (let i = 0; i < n; i++) if (scale >= 1 || random.chance(scale)) outcomes.push(o);
    };
    // Calls and chats that find every agent busy wait a little longer than drawn, which costs about
    // 3 points of service level: a quarter of the late answers are drawn within the target so that
    // the history's service level ends up close to the statistic's.
    const late = h.answered - h.answeredWithinTarget;
    const madeUp = channel === 'email' ? 0 : random.binomial(late, 0.25);
    push('within', h.answeredWithinTarget + madeUp);
    push('late', late - madeUp);
    if (channel !== 'email') push('abandoned', h.abandoned);
    else if (channel === 'email') push('late', h.offered - h.answered);
    const aht = (h.ahtSeconds ?? input.aht[channel]) * 1000;
    const start = h.intervalStart.getTime();
    for (const outcome of outcomes) {
      const arrival = start + Math.floor(random.next() * SLOT_MS);
      const p: Planned = {
        queue, channel, arrival, outcome, react: 0, handle: 0, patience: 0, desiredOffer: arrival, customer: null, previousAgent: null, shift: null,
        offerAt: 0, rule: '', abandonAt: 0, open: false,
      };
      if (channel === 'phone') {
        p.react = random.int(2000, 9000);
        p.handle = Math.max(20_000, Math.round(random.logNormal(aht, 0.55)));
        if (outcome === 'abandoned') {
          p.patience = random.chance(0.12) ? random.int(1000, 5000) : Math.min(600_000, 6000 + Math.round(random.exponential(50_000)));
        } else {
          const wait = outcome === 'within'
            ? (random.chance(0.6) ? p.react : p.react + Math.round((29_500 - p.react) * random.next() ** 1.5))
            : Math.min(600_000, 31_000 + Math.round(random.exponential(45_000)));
          p.desiredOffer = arrival + wait - p.react;
          p.patience = wait + 30_000 + Math.round(random.exponential(90_000));
        }
      } else if (channel === 'chat') {
        p.react = random.int(2000, 15_000);
        p.handle = Math.max(60_000, Math.round(random.logNormal(aht, 0.6)));
        const wait = outcome === 'within'
          ? (random.chance(0.7) ? p.react : p.react + Math.round((59_000 - p.react) * random.next() ** 1.5))
          : Math.min(900_000, 61_000 + Math.round(random.exponential(60_000)));
        p.desiredOffer = arrival + wait - p.react;
        // a chat abandoned in the statistic: the customer closes the window after a while
        if (outcome === 'abandoned') p.patience = Math.min(900_000, 20_000 + Math.round(random.exponential(120_000)));
      } else {
        p.react = random.int(5000, 50_000);
        p.handle = Math.max(60_000, Math.round(random.logNormal(aht, 0.5)));
        const calendar = calendars.get(queue.calendarKey)!;
        const handleS = p.handle / 1000;
        const businessDelay = outcome === 'within'
          ? 30 + random.next() * Math.max(0, EMAIL_TARGET_SECONDS - handleS - 120)
          : EMAIL_TARGET_SECONDS + 60 + random.exponential(1.2 * EMAIL_TARGET_SECONDS);
        p.desiredOffer = calendar.addBusinessSeconds(new Date(arrival), businessDelay).getTime();
      }
      all.push(p);
    }
  }

  while (all.length > max) all.splice(random.int(0, all.length - 1), 1);

  // 2. The roster of each open day, sized to that day's work.
  const languagesOf = new Map<string, string[]>();
  for (const a of agents) languagesOf.set(a.employeeNumber, ['fi', 'sv', 'en'].filter((l) => speaks(a, { requiredSkills: [{ skill: `lang:${l}`, minProficiency: 3 }] } as DemoQueue)));
  const shiftsByDay = new Map<string, { phone: Shift[]; digital: Shift[]; close: number }>();
  const byDay = new Map<string, Planned[]>();
  for (const p of all) {
    if (p.outcome === 'abandoned' && p.channel !== 'email') continue;
    const day = localDateOf(p.desiredOffer, tz);
    const list = byDay.get(day) ?? [];
    list.push(p);
    byDay.set(day, list);
  }
  for (let day = firstDay; day <= lastDay; day = addDays(day, 1)) {
    if (isoWeekday(day) > 5 || input.holidays.has(day)) continue;
    const dayOpen = localToEpoch(day, OPEN_MINUTES, tz);
    const needs = { phone: { total: new Array<number>(SLOTS).fill(0), byLanguage: {} as Record<string, number[]> }, digital: { total: new Array<number>(SLOTS).fill(0), byLanguage: {} as Record<string, number[]> } };
    for (const p of byDay.get(day) ?? []) {
      const slot = Math.min(SLOTS - 1, Math.max(0, Math.floor((p.desiredOffer - dayOpen) / SLOT_MS)));
      const role: Role = p.channel === 'phone' ? 'phone' : 'digital';
      const work = (p.channel === 'phone' ? p.react + p.handle + WRAP_MS : p.channel === 'chat' ? (p.react + p.handle) / 2.5 : p.react + p.handle) / SLOT_MS;
      const need = needs[role];
      need.total[slot] += work;
      const lang = p.queue.language;
      need.byLanguage[lang] ??= new Array<number>(SLOTS).fill(0);
      need.byLanguage[lang][slot] += work;
    }
    for (const need of Object.values(needs)) {
      need.total = need.total.map(staffFor);
      for (const l of Object.keys(need.byLanguage)) need.byLanguage[l] = need.byLanguage[l].map(staffFor);
    }
    const present = agents.filter(() => !random.chance(0.08));
    for (let i = present.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [present[i], present[j]] = [present[j], present[i]];
    }
    const phone = rosterDay(present.filter((a) => a.capacity.phone > 0), languagesOf, needs.phone, 'phone', dayOpen, random);
    const onPhone = new Set(phone.map((s) => s.agent.employeeNumber));
    const digital = rosterDay(present.filter((a) => !onPhone.has(a.employeeNumber)), languagesOf, needs.digital, 'digital', dayOpen, random);
    const close = Math.max(dayOpen, maxOf(digital.map((s) => s.end)), maxOf(phone.map((s) => s.end)));
    shiftsByDay.set(day, { phone, digital, close });
  }

  // 3. Offers in time order: arrivals first (customer, previous agent), then offers to agents.
  const customers: Customer[] = [];
  const seenByLanguage = new Map<string, Customer[]>();
  const queue = new TimeQueue<Planned>();
  for (const p of all) queue.push(p.arrival, 0, p);
  const nextWorkday = (after: number): number | null => {
    for (let day = addDays(localDateOf(after, tz), 1); day <= lastDay; day = addDays(day, 1)) {
      const d = shiftsByDay.get(day);
      if (d && d.digital.length) return localToEpoch(day, OPEN_MINUTES, tz) + random.int(0, 90) * 60_000;
    }
    return null;
  };
  while (queue.size) {
    const { t, phase, value: p } = queue.pop();
    if (phase === 0) {
      const seen = seenByLanguage.get(p.queue.language) ?? [];
      seenByLanguage.set(p.queue.language, seen);
      if (seen.length > 20 && random.chance(0.2)) {
        p.customer = seen[seen.length - 1 - Math.min(seen.length - 1, Math.floor(random.exponential(seen.length * 0.35)))];
      } else {
        p.customer = { index: customers.length, language: p.queue.language, lastAgent: null, lastContactAt: null };
        customers.push(p.customer);
        seen.push(p.customer);
      }
      const c = p.customer;
      p.previousAgent = c.lastAgent && c.lastContactAt !== null && t - c.lastContactAt < PREVIOUS_AGENT_MS ? c.lastAgent : null;
      if (p.channel !== 'email' && p.outcome === 'abandoned') p.abandonAt = p.arrival + p.patience;
      else if (p.desiredOffer >= cutoff) p.open = true;
      else queue.push(p.desiredOffer, 1, p);
      continue;
    }
    const day = shiftsByDay.get(localDateOf(t, tz));
    const pool = day ? (p.channel === 'phone' ? day.phone : day.digital) : [];
    const eligible = pool.filter((s) => speaks(s.agent, p.queue) && canTake(s, p.channel, t));
    if (eligible.length) {
      const previous = p.previousAgent ? eligible.find((s) => s.agent.employeeNumber === p.previousAgent) : undefined;
      let chosen = previous;
      let rule = 'previous-agent';
      if (!chosen) {
        const load = (s: Shift) => (s.role === 'phone' ? 0 : inHand(s, t));
        const fewest = minOf(eligible.map(load));
        const least = eligible.filter((s) => load(s) === fewest);
        rule = least.length < eligible.length ? 'fewest-in-hand' : 'longest-idle';
        chosen = least.reduce((a, b) => (b.idleSince < a.idleSince ? b : a));
      }
      const item: Item = { channel: p.channel, offerAt: t, acceptAt: t + p.react, doneAt: t + p.react + p.handle };
      chosen.items.push(item);
      if (chosen.role === 'phone') {
        chosen.freeAt = item.doneAt + WRAP_MS;
        chosen.idleSince = chosen.freeAt;
      } else {
        chosen.active.push(item);
        chosen.idleSince = Math.max(chosen.idleSince, item.doneAt);
      }
      p.shift = chosen;
      p.offerAt = t;
      p.rule = t > p.arrival ? 'highest-priority' : rule;
      const c = p.customer!;
      c.lastAgent = chosen.agent.employeeNumber;
      c.lastContactAt = item.acceptAt;
      continue;
    }
    if (p.channel === 'phone') {
      // The engine offers a waiting call the moment an agent is released: try again when the next one is.
      let next = t + 5000;
      for (const s of pool) if (s.freeAt > t && s.freeAt < next && s.freeAt < s.end && speaks(s.agent, p.queue)) next = s.freeAt;
      if (next - p.arrival > p.patience || !day || next >= day.close) {
        p.outcome = 'abandoned';
        p.abandonAt = Math.max(p.arrival + p.patience, t);
        if (day) p.abandonAt = Math.min(p.abandonAt, Math.max(t, day.close));
      } else queue.push(next, 1, p);
    } else if (p.channel === 'chat') {
      const next = t + 15_000;
      if (!day || next >= day.close) {
        // nobody took it before closing: the customer gives up then
        p.outcome = 'abandoned';
        p.abandonAt = day ? Math.max(t, day.close) : t;
      } else queue.push(next, 1, p);
    } else {
      let next: number | null = t + 60_000;
      if (!day || next >= day.close - 20 * 60_000) next = nextWorkday(t);
      if (next === null || next >= cutoff) p.open = true;
      else queue.push(next, 1, p);
    }
  }

  // 4. Rows: customers, contacts with timelines and reservations, agent state spans.
  const customerRows: DemoCustomer[] = customers.map((c) => ({
    id: random.uuid(),
    phoneNumber: `+358400${String(c.index + 1).padStart(6, '0')}`,
    ref: `demo-${String(c.index + 1).padStart(5, '0')}`,
    lastAgent: c.lastAgent,
    lastContactAt: c.lastContactAt === null ? null : new Date(c.lastContactAt),
  }));
  const kept = all.sort((a, b) => a.arrival - b.arrival);
  // Position in line of a queued call: calls of its queue that arrived before it and had not left yet.
  const waiting = new Map<string, { arrivals: number[]; leaves: number[] }>();
  for (const p of kept) {
    if (p.channel !== 'phone' || (p.shift && p.offerAt === p.arrival)) continue;
    const w = waiting.get(p.queue.key) ?? { arrivals: [], leaves: [] };
    w.arrivals.push(p.arrival);
    w.leaves.push(p.shift ? p.offerAt : p.abandonAt);
    waiting.set(p.queue.key, w);
  }
  for (const w of waiting.values()) w.leaves.sort((a, b) => a - b);
  const countBelow = (xs: number[], x: number, inclusive: boolean) => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (xs[m] < x || (inclusive && xs[m] === x)) lo = m + 1;
      else hi = m;
    }
    return lo;
  };

  const contacts: DemoContact[] = kept.map((p) => {
    const id = random.uuid();
    const queue = p.queue;
    const arrival = p.arrival;
    const calendar = calendars.get(queue.calendarKey)!;
    const deadline = queue.target.basis === 'business' ? calendar.addBusinessSeconds(new Date(arrival), queue.target.seconds) : new Date(arrival + queue.target.seconds * 1000);
    const agent = p.shift?.agent ?? null;
    const events: DemoContactEvent[] = [];
    const reservations: DemoReservation[] = [];
    const ev = (at: number, type: DemoContactEventType, detail: Record<string, unknown> | null, withAgent = false, extra: Partial<DemoContactEvent> = {}) =>
      events.push({ at: new Date(at), type, agent: withAgent ? agent!.employeeNumber : null, reservation: withAgent ? 0 : null, detail, ...extra });
    let decision: DemoDecision | null = null;
    const decisionId = random.uuid();
    const fast = agent !== null && p.offerAt === arrival;
    if (p.channel === 'phone' && !fast) {
      const w = waiting.get(queue.key)!;
      const position = Math.max(1, countBelow(w.arrivals, arrival, false) - countBelow(w.leaves, arrival, true) + 1);
      const waited = ((agent ? p.offerAt : p.abandonAt) - arrival) / 1000;
      decision = { decisionId, decision: 'queue', position, estimatedWaitSeconds: Math.max(5, Math.round(waited * (0.7 + 0.6 * random.next()))) };
      ev(arrival, 'queued', { position, estimatedWaitSeconds: decision.estimatedWaitSeconds });
    } else {
      ev(arrival, 'queued', {});
    }
    let explanation: Record<string, unknown>;
    if (agent) {
      const reservationId = fast && p.channel === 'phone' ? decisionId : random.uuid();
      if (fast && p.channel === 'phone') decision = { decisionId, decision: 'agent', agent: agent.employeeNumber, target: agent.phoneUri };
      const offerAt = p.offerAt;
      const acceptAt = offerAt + p.react;
      const doneAt = acceptAt + p.handle;
      reservations.push({ id: reservationId, agent: agent.employeeNumber, channel: p.channel, status: 'completed', offeredAt: new Date(offerAt), expiresAt: new Date(offerAt + TIMEOUT[p.channel] * 1000), resolvedAt: new Date(doneAt) });
      ev(offerAt, 'reserved', { rule: p.rule, step: 0 }, true);
      ev(offerAt, 'offered', { expiresAt: iso(offerAt + TIMEOUT[p.channel] * 1000) }, true);
      if (p.channel === 'phone') {
        ev(acceptAt, 'accepted', null, true);
        ev(acceptAt, 'answered', { telephonyTs: iso(acceptAt) }, true);
        ev(doneAt, 'ended', { wrapUpSeconds: DEMO_WRAP_UP_SECONDS }, true);
      } else {
        ev(acceptAt, 'accepted', null, true, { byAgent: true });
        ev(doneAt, 'completed', { wrapUpSeconds: DEMO_WRAP_UP_SECONDS }, true);
      }
      explanation = {
        decidedAt: iso(offerAt),
        summary: `demo history: ${p.rule === 'highest-priority' ? 'the most urgent waiting contact for a freed agent' : `offered at arrival (${p.rule})`}`,
        rule: p.rule, step: { index: 0, name: 'queue requirements', afterSeconds: 0 }, waitedSeconds: (offerAt - arrival) / 1000, skippedAgents: [], skippedCount: 0, skippedByReason: {},
      };
    } else {
      if (!p.open) ev(p.abandonAt, 'abandoned', p.channel === 'phone' ? { hangupBy: 'caller', telephonyTs: iso(p.abandonAt) } : { reportedBy: 'gateway' });
      explanation = { decidedAt: iso(arrival), summary: 'demo history: no eligible agent free; the contact waited in its queue', rule: 'no-eligible-agent', step: null, skippedAgents: [], skippedCount: 0, skippedByReason: {} };
    }
    const answered = agent !== null;
    const customer = customerRows[p.customer!.index];
    return {
      id,
      channel: p.channel,
      queueKey: queue.key,
      kind: 'inbound',
      status: answered ? 'ended' : p.open ? 'queued' : 'abandoned',
      callId: p.channel === 'phone' ? `${id.replace(/-/g, '').slice(0, 20)}@pbx.vuoro.example` : null,
      decisionId,
      decision,
      customer: p.customer!.index,
      customerRef: p.channel === 'phone' ? null : customer.ref,
      calledNumber: p.channel === 'phone' ? (calledNumber.get(queue.key) ?? null) : null,
      language: queue.language,
      subject: p.channel === 'email' ? random.pick(SUBJECTS) : null,
      arrivedAt: new Date(arrival),
      deadline,
      previousAgent: p.previousAgent,
      agent: agent?.employeeNumber ?? null,
      offerAttempts: answered ? 1 : 0,
      answeredAt: answered ? new Date(p.offerAt + p.react) : null,
      endedAt: answered ? new Date(p.offerAt + p.react + p.handle) : p.open ? null : new Date(p.abandonAt),
      endReason: answered ? (p.channel === 'phone' ? 'ended' : 'completed') : p.open ? null : 'abandoned',
      explanation,
      events,
      reservations,
    };
  });

  const agentStates: DemoAgentStateSpan[] = [];
  for (const d of shiftsByDay.values()) for (const s of [...d.phone, ...d.digital]) agentStates.push(...stateSpans(s));
  return { firstDay, lastDay, scale, customers: customerRows, contacts, agentStates };
}
