import { Injectable } from '@nestjs/common';
import type { Channel } from '../../../../libs/core/src/channel.js';
import { BusinessCalendar } from '../../../../libs/calendar/src/business-calendar.js';
import { holidaysFor, SUPPORTED_HOLIDAY_REGIONS } from '../../../../libs/calendar/src/holidays.js';
import type { Queue as PolicyQueue } from '../../../../libs/routing/src/index.js';
import { RoutingRepository, type RoutingQueueRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { DEFAULT_QUEUE_SETTINGS, withPolicySettings, type CoreQueueSettings } from '../../../../libs/routing/src/core/types.js';
import { RoutingInvalidations } from '../persistence/routing-invalidations.js';

export type QueueSettings = CoreQueueSettings;

export const DEFAULT_SETTINGS: QueueSettings = DEFAULT_QUEUE_SETTINGS;

/** A queue as the engine uses it: the policy's queue, its business calendar and routing settings. */
export interface QueueDefinition {
  row: RoutingQueueRow;
  policy: PolicyQueue;
  calendar: BusinessCalendar;
  settings: QueueSettings;
}

/**
 * Queue definitions and entry points, cached in-process for `TTL_MS`: a queue, calendar, settings or
 * entry-point change reaches every API instance within that time. Routing reads them on every
 * decision, so the cache keeps decisions to the queries that matter (agents, contacts).
 */
@Injectable()
export class RoutingCatalog {
  static readonly TTL_MS = 5000;
  private readonly queues = new Map<string, { at: number; def: QueueDefinition | null }>();
  private readonly entries = new Map<string, { at: number; queueId: string | null }>();
  private readonly attributes = new Map<string, { at: number; queueId: string | null }>();

  private readonly listeners = new Set<() => void | Promise<void>>();

  constructor(
    private readonly repo: RoutingRepository,
    invalidations?: RoutingInvalidations,
  ) {
    invalidations?.subscribe((change) => (change.kind === 'catalog' ? this.invalidate() : undefined));
  }

  /** Forgets every cached entry (a reader that wants the tables as they are now; nothing changed). */
  forget(): void {
    this.queues.clear();
    this.entries.clear();
    this.attributes.clear();
  }

  /** A change to queues, calendars, settings or entry points: forgets every entry and resolves once the listeners have (the in-memory engine tells its owner on another instance). */
  async invalidate(): Promise<void> {
    this.forget();
    await Promise.all([...this.listeners].map((listener) => listener()));
  }

  /** Calls `listener` on every invalidate() (a queue, settings or entry-point change in this process). */
  onInvalidate(listener: () => void | Promise<void>): void {
    this.listeners.add(listener);
  }

  /**
   * A queue's definition. Inside a transaction pass it as `via`: a missing or expired entry is then
   * read on the transaction's own connection. Read through the pool, every transaction that waits
   * for it holds a connection, and once all of them do, none is left for the read (under load with
   * the catalog's entries expiring every TTL_MS: the pool deadlocked for good; on the embedded
   * database, with its one session, at the first expiry).
   */
  async queue(queueId: string, via?: Pick<RoutingRepository, 'queueForRouting'>): Promise<QueueDefinition | null> {
    const hit = this.queues.get(queueId);
    if (hit && Date.now() - hit.at < RoutingCatalog.TTL_MS) return hit.def;
    const row = await (via ?? this.repo).queueForRouting(queueId);
    const def = row ? toDefinition(row) : null;
    this.queues.set(queueId, { at: Date.now(), def });
    return def;
  }

  /**
   * The queue of a department for a channel and language: the queue in that language, else the
   * department's queue without a language (which takes the contact's); null when neither exists.
   */
  async queueIdForAttributes(departmentId: string, channel: Channel, language: string): Promise<string | null> {
    const key = `${departmentId}|${channel}|${language}`;
    const hit = this.attributes.get(key);
    if (hit && Date.now() - hit.at < RoutingCatalog.TTL_MS) return hit.queueId;
    const queueId = await this.repo.queueIdForAttributes(departmentId, channel, language || null);
    if (this.attributes.size > 10_000) this.attributes.clear();
    this.attributes.set(key, { at: Date.now(), queueId });
    return queueId;
  }

  async queueIdFor(calledNumber: string): Promise<string | null> {
    const hit = this.entries.get(calledNumber);
    if (hit && Date.now() - hit.at < RoutingCatalog.TTL_MS) return hit.queueId;
    const queueId = await this.repo.queueIdForCalledNumber(calledNumber);
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(calledNumber, { at: Date.now(), queueId });
    return queueId;
  }
}

function toDefinition(row: RoutingQueueRow): QueueDefinition {
  const year = new Date().getUTCFullYear();
  const region = row.calendar.holidayRegion;
  const holidays = region && SUPPORTED_HOLIDAY_REGIONS.includes(region.toUpperCase())
    ? [year - 1, year, year + 1].flatMap((y) => holidaysFor(region, y).map((h) => h.date))
    : [];
  const calendar = new BusinessCalendar({
    timeZone: row.calendar.timeZone,
    openingHours: row.calendar.openingHours as ConstructorParameters<typeof BusinessCalendar>[0]['openingHours'],
    closedDates: [...holidays, ...row.calendar.closures],
  });
  const settings = row.settings ?? DEFAULT_SETTINGS;
  const policy: PolicyQueue = withPolicySettings(
    {
      id: row.id,
      departmentId: row.departmentId,
      channel: row.channel,
      requiredSkills: row.requiredSkills,
      // A queue without a language takes the contact's language (RoutingEngine.policyQueue); '' as
      // it is: no language skill, for a contact without a language.
      language: row.language ?? '',
      serviceTarget: { percent: row.targetPercent, seconds: row.targetSeconds, basis: row.targetBasis },
    },
    settings,
  );
  return { row, policy, calendar, settings };
}
