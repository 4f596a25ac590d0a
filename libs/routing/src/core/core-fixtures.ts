/** Builders for the routing core's specs (frozen clock, deterministic ids, plain data). Not part of the public API. */
import { BusinessCalendar } from '../../../calendar/src/business-calendar.js';
import type { Channel } from '../../../core/src/channel.js';
import { DomainError } from '../../../core/src/domain-error.js';
import { NOW, secondsBefore } from '../spec-fixtures.js';
import { RoutingCore } from './routing-core.js';
import { RoutingState } from './routing-state.js';
import { DEFAULT_QUEUE_SETTINGS, withPolicySettings } from './types.js';
import type {
  AgentRecord,
  ContactRecord,
  CoreCatalog,
  CoreQueue,
  CoreQueueSettings,
  CustomerRecord,
  PhoneDecisionInput,
  PresenceRecord,
  ReservationRecord,
  TelephonyEvent,
  TelephonyEventName,
} from './types.js';

export { NOW, secondsBefore };

/** NOW + `seconds`. */
export function at(seconds: number): Date {
  return new Date(NOW.getTime() + seconds * 1000);
}

const weekdays = ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, open: '08:00', close: '18:00' }));
/** Office hours Mon–Fri 08–18 Helsinki: NOW (Wednesday 10:00) is open. */
export const OFFICE = new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: weekdays, closedDates: [] });
/** Open on Sundays only: closed at NOW. */
export const SUNDAYS = new BusinessCalendar({ timeZone: 'Europe/Helsinki', openingHours: [{ weekday: 7, open: '08:00', close: '18:00' }], closedDates: [] });

/** A stored queue as the adapter builds it (see toDefinition in routing-catalog.ts). */
export function coreQueue(
  id: string,
  over: { channel?: Channel; departmentId?: string; language?: string | null; settings?: Partial<CoreQueueSettings>; calendar?: BusinessCalendar; requiredSkills?: { skill: string; minProficiency: number }[] } = {},
): CoreQueue {
  const channel = over.channel ?? 'phone';
  const departmentId = over.departmentId ?? 'collections';
  const language = over.language === undefined ? 'fi' : over.language;
  const seconds = channel === 'phone' ? 30 : channel === 'chat' ? 60 : 8 * 3600;
  const settings = { ...DEFAULT_QUEUE_SETTINGS, ...over.settings };
  return {
    id,
    departmentId,
    channel,
    language,
    policy: withPolicySettings(
      {
        id,
        departmentId,
        channel,
        requiredSkills: over.requiredSkills ?? [{ skill: 'topic:payments', minProficiency: 3 }],
        language: language ?? '',
        serviceTarget: { percent: 90, seconds, basis: 'elapsed' },
      },
      settings,
    ),
    calendar: over.calendar ?? OFFICE,
    settings,
  };
}

export class MapCatalog implements CoreCatalog {
  readonly queues = new Map<string, CoreQueue>();
  readonly entries = new Map<string, string>();
  queue(queueId: string): CoreQueue | undefined {
    return this.queues.get(queueId);
  }
  queueIdForCalledNumber(calledNumber: string): string | undefined {
    return this.entries.get(calledNumber);
  }
}

export function presence(agentId: string, over: Partial<PresenceRecord> = {}): PresenceRecord {
  return {
    agentId,
    state: 'available',
    breakReason: null,
    capacity: { phone: 1, chat: 3, email: 5 },
    load: { phone: 0, chat: 0, email: 0 },
    stateSince: secondsBefore(NOW, 600),
    idleSince: secondsBefore(NOW, 60),
    wrapUpUntil: null,
    pendingState: null,
    pendingReason: null,
    ...over,
  };
}

/** A logged-in, available agent of collections (fi 5, payments 4); `presence: null` for one who never logged in. */
export function agentRecord(agentId: string, over: Partial<AgentRecord> & { idleFor?: number } = {}): AgentRecord {
  const { idleFor, ...rest } = over;
  return {
    agentId,
    departmentId: 'collections',
    phoneUri: `sip:${agentId}@pbx.example`,
    active: true,
    configuredCapacity: { phone: 1, chat: 3, email: 5 },
    skills: { 'lang:fi': 5, 'topic:payments': 4 },
    loans: [],
    presence: presence(agentId, idleFor !== undefined ? { idleSince: secondsBefore(NOW, idleFor) } : {}),
    ...rest,
  };
}

export interface World {
  core: RoutingCore;
  state: RoutingState;
  catalog: MapCatalog;
}

/**
 * A core over: q-phone (called number 0800; callback offered past 60 s, fallback voicemail), q-chat
 * (no language: takes the contact's), q-chat-2, q-email, q-closed (0700, closed now), entry 0900
 * to the chat queue. Ids are `id-1`, `id-2`, … in the order the core asks for them.
 */
export function world(init: { agents?: AgentRecord[]; customers?: CustomerRecord[]; contacts?: ContactRecord[]; reservations?: ReservationRecord[]; queues?: CoreQueue[] } = {}): World {
  const catalog = new MapCatalog();
  const queues = init.queues ?? [
    coreQueue('q-phone', { settings: { callbackThresholdSeconds: 60, fallbackTarget: 'sip:voicemail@pbx.example' } }),
    coreQueue('q-chat', { channel: 'chat', language: null }),
    coreQueue('q-chat-2', { channel: 'chat' }),
    coreQueue('q-email', { channel: 'email' }),
    coreQueue('q-closed', { calendar: SUNDAYS }),
  ];
  for (const q of queues) catalog.queues.set(q.id, q);
  catalog.entries.set('0800', 'q-phone');
  catalog.entries.set('0700', 'q-closed');
  catalog.entries.set('0900', 'q-chat');
  let n = 0;
  const state = RoutingState.from({ agents: init.agents ?? [], contacts: init.contacts ?? [], reservations: init.reservations ?? [], customers: init.customers ?? [] });
  const core = new RoutingCore(state, catalog, { newId: () => `id-${++n}` });
  return { core, state, catalog };
}

export function call(callId: string, over: Partial<PhoneDecisionInput> = {}): PhoneDecisionInput {
  return { callId, callerId: '+358401234567', callerName: 'Maija Meikäläinen', calledNumber: '0800', language: 'fi', ...over };
}

export function telephony(event: TelephonyEventName, callId: string, over: Partial<TelephonyEvent> = {}): TelephonyEvent {
  return { event, channel: 'phone', callId, ts: '2025-03-12T08:00:05Z', ...over };
}

/** The DomainError `fn` throws (any other error is rethrown; none fails the test). */
export function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}
