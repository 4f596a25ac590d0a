import { Injectable } from '@nestjs/common';
import { localDateOf, localToEpoch } from '../../../../libs/calendar/src/time-zone.js';
import { notFound } from '../../../../libs/core/src/domain-error.js';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { estimateWaitDetails, queueServer } from '../../../../libs/routing/src/index.js';
import { RoutingCatalog } from '../routing/routing-catalog.js';
import { RoutingClock } from '../routing/routing-clock.js';
import { toAgent } from '../routing/routing-engine.js';
import type { QueueStatsDto } from './queue-stats.dto.js';

/** Live statistics of one queue for wallboards. */
@Injectable()
export class GetQueueStats {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly catalog: RoutingCatalog,
    private readonly clock: RoutingClock,
  ) {}

  async execute(queueId: string): Promise<QueueStatsDto> {
    const def = await this.catalog.queue(queueId);
    if (!def) throw notFound('queue', queueId);
    const now = this.clock.now();
    const tz = def.calendar.timeZone;
    const since = new Date(localToEpoch(localDateOf(now.getTime(), tz), 0, tz));
    const row = await this.repo.queueStats(queueId, since, now);
    const channel = def.row.channel;
    // Counted and estimated over the agents who could serve this queue: its department's and those
    // lent to it near now, with capacity on the channel and the skills of its widest step; a queue
    // without a language, of any language (libs/routing queueRequirements).
    const queue = def.policy;
    const ctx = { calendars: { [queue.id]: def.calendar } };
    const canServe = queueServer(queue, now, ctx);
    const agents = (await this.repo.direct.loggedInAgents(def.row.departmentId, now)).map(toAgent).filter(canServe);
    const agentsByState = { available: 0, reserved: 0, busy: 0, 'wrap-up': 0, break: 0, 'not-responding': 0 };
    const agentsPendingState = { break: 0, offline: 0 };
    for (const a of agents) {
      if (a.state in agentsByState) agentsByState[a.state as keyof typeof agentsByState]++;
      if (a.pendingState) agentsPendingState[a.pendingState]++;
    }
    const est = estimateWaitDetails(queue, row.waiting + 1, agents, { meanHandleSeconds: def.settings.meanHandleSeconds }, now, ctx);
    // An email's target is its reply (the agent completing it) by its deadline in business time, not
    // an agent taking it: judged are the emails replied, abandoned, or unreplied past their deadline,
    // in an agent's hands too. Emails transferred to another queue are judged where they are replied.
    const email = channel === 'email';
    const judged = email ? row.completedToday + row.abandonedToday + row.openOverdueToday : row.answeredToday + row.abandonedToday + row.overdueToday;
    const withinTarget = email ? row.completedWithinTargetToday : row.answeredWithinTargetToday;
    return {
      queueId,
      channel,
      at: now.toISOString(),
      waiting: row.waiting,
      longestWaitSeconds: row.oldestArrivedAt ? Math.max(0, Math.round((now.getTime() - new Date(row.oldestArrivedAt).getTime()) / 1000)) : 0,
      agentsByState,
      agentsPendingState,
      offeredToday: row.offeredToday,
      answeredToday: row.answeredToday,
      abandonedToday: row.abandonedToday,
      switchedToday: row.switchedToday,
      overdueToday: email ? row.openOverdueToday : row.overdueToday,
      repliedToday: email ? row.completedToday : null,
      serviceLevelPercent: judged ? Math.round((1000 * withinTarget) / judged) / 10 : null,
      targetPercent: def.row.targetPercent,
      estimatedWaitSeconds: est.seconds === null ? null : Math.round(est.seconds),
    };
  }
}
