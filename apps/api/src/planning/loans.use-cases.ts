import { Injectable } from '@nestjs/common';
import { conflict, DomainError, notFound, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import type { AuditLogEntity, LoanEntity } from '../../../../libs/persistence/src/entities/loan.entity.js';
import { LoanRepository, type LoanData, type LoanFilter } from '../../../../libs/persistence/src/repositories/loan.repository.js';
import { PlanningRepository } from '../../../../libs/persistence/src/repositories/planning.repository.js';
import { QueueRepository } from '../../../../libs/persistence/src/repositories/queue.repository.js';
import { addDays } from '../../../../libs/calendar/src/local-date.js';
import { localDateOf, localToEpoch } from '../../../../libs/calendar/src/time-zone.js';
import type { AcceptLoansDto, LoanQueryDto } from './loan.dto.js';
import { RoutingInvalidations } from '../persistence/routing-invalidations.js';
import { PlanningClock, type Actor } from './planning-context.js';
import { invalid } from './templates-and-contracts.use-cases.js';

/** A loan window is at most this long (one working day). */
export const MAX_LOAN_HOURS = 12;
const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Accepting a suggestion: every loan is checked (agent of the lending department, a window in the
 * future of at most 12 h, a queue of another department, and — when the agent has a schedule that
 * day — within the agent's shift and not longer than it) and then, in ONE transaction with the
 * agents' rows locked, checked against active loans (and each other) for overlap: all loans and
 * their audit lines are written, or nothing.
 */
@Injectable()
export class AcceptLoans {
  constructor(
    private readonly loans: LoanRepository,
    private readonly planning: PlanningRepository,
    private readonly queues: QueueRepository,
    private readonly clock: PlanningClock,
    private readonly routing: RoutingInvalidations,
  ) {}

  async execute(actor: Actor, body: AcceptLoansDto): Promise<LoanEntity[]> {
    const now = this.clock.now();
    const v: FieldViolation[] = [];
    const agents = new Map((await this.planning.planningAgents({ agentIds: body.loans.map((l) => l.agentId) })).map((a) => [a.id, a]));
    const items: LoanData[] = [];
    for (const [i, l] of body.loans.entries()) {
      const at = `loans[${i}]`;
      const agent = agents.get(l.agentId);
      const queue = await this.queues.findById(l.queueId);
      const startsAt = new Date(l.startsAt);
      const endsAt = new Date(l.endsAt);
      if (!agent) v.push({ field: `${at}.agentId`, rule: 'exists', message: `agent ${l.agentId} does not exist` });
      else if (agent.departmentId !== l.fromDepartmentId) v.push({ field: `${at}.fromDepartmentId`, rule: 'agentInLendingDepartment', message: `the agent does not belong to department ${l.fromDepartmentId}` });
      if (!queue) v.push({ field: `${at}.queueId`, rule: 'exists', message: `queue ${l.queueId} does not exist` });
      else if (queue.departmentId === l.fromDepartmentId) v.push({ field: `${at}.queueId`, rule: 'otherDepartment', message: 'the queue belongs to the lending department itself' });
      if (!(endsAt.getTime() > startsAt.getTime())) v.push({ field: `${at}.endsAt`, rule: 'afterStart', message: `${at}.endsAt must be after startsAt` });
      else if (endsAt.getTime() - startsAt.getTime() > MAX_LOAN_HOURS * 3_600_000) v.push({ field: `${at}.endsAt`, rule: 'maxWindow', message: `a loan lasts at most ${MAX_LOAN_HOURS} hours` });
      if (endsAt.getTime() <= now.getTime()) v.push({ field: `${at}.endsAt`, rule: 'inFuture', message: `${at} has already ended` });
      if (agent && endsAt.getTime() > startsAt.getTime()) v.push(...(await this.shiftRules(at, agent.id, agent.departmentId, startsAt, endsAt)));
      items.push({ agentId: l.agentId, fromDepartmentId: l.fromDepartmentId, toDepartmentId: queue?.departmentId ?? '', queueId: l.queueId, startsAt, endsAt, reason: body.reason, createdBy: actor.actor });
    }
    if (v.length) throw invalid(v);
    const created = await this.loans.transaction(async (tx) => {
      await tx.lockAgents(items.map((l) => l.agentId));
      const created: LoanEntity[] = [];
      for (const [i, item] of items.entries()) {
        const overlapping = await tx.overlappingActive(item.agentId, item.startsAt, item.endsAt);
        if (overlapping.length) {
          throw conflict('loan.overlap', `loans[${i}] overlaps active loan ${overlapping[0]!.id} of the same agent`, [{ field: `loans[${i}]`, rule: 'noOverlappingActiveLoan', message: `the agent is already lent ${overlapping[0]!.startsAt.toISOString()}–${overlapping[0]!.endsAt.toISOString()}` }]);
        }
        const loan = await tx.insert(item);
        await tx.audit({ actor: actor.actor, action: 'loan.created', entityType: 'loan', entityId: loan.id, detail: { agentId: loan.agentId, fromDepartmentId: loan.fromDepartmentId, toDepartmentId: loan.toDepartmentId, queueId: loan.queueId, startsAt: loan.startsAt.toISOString(), endsAt: loan.endsAt.toISOString(), reason: loan.reason } });
        created.push(loan);
      }
      return created;
    });
    await this.routing.agentsChanged(created.map((l) => l.agentId));
    return created;
  }

  /**
   * When the agent has a schedule for the loan's day (a shift in any stored schedule on the local day
   * the loan starts, on its department's clock): the loan may not be longer than the agent's shift
   * (rule notLongerThanShift) and must lie within one of its shifts (rule withinShift).
   */
  private async shiftRules(at: string, agentId: string, departmentId: string, startsAt: Date, endsAt: Date): Promise<FieldViolation[]> {
    const tz = (await this.planning.departmentTimeZone(departmentId)) ?? 'Europe/Helsinki';
    const date = localDateOf(startsAt.getTime(), tz);
    const shifts = await this.planning.shiftsBetween(new Date(localToEpoch(date, 0, tz)), new Date(localToEpoch(addDays(date, 1), 0, tz)), agentId);
    if (!shifts.length) return [];
    const longest = Math.max(...shifts.map((s) => s.endsAt.getTime() - s.startsAt.getTime()));
    const span = (s: { startsAt: Date; endsAt: Date }) => `${s.startsAt.toISOString()}–${s.endsAt.toISOString()}`;
    if (endsAt.getTime() - startsAt.getTime() > longest) {
      return [{ field: `${at}.endsAt`, rule: 'notLongerThanShift', message: `the loan (${round((endsAt.getTime() - startsAt.getTime()) / 3_600_000)} h) is longer than the agent's shift on ${date} (${round(longest / 3_600_000)} h)` }];
    }
    if (!shifts.some((s) => s.startsAt.getTime() <= startsAt.getTime() && endsAt.getTime() <= s.endsAt.getTime())) {
      return [{ field: `${at}.startsAt`, rule: 'withinShift', message: `the loan must lie within the agent's shift on ${date} (${shifts.map(span).join(', ')})` }];
    }
    return [];
  }
}

@Injectable()
export class ListLoans {
  constructor(private readonly loans: LoanRepository) {}
  execute(actor: Actor, q: LoanQueryDto): Promise<LoanEntity[]> {
    const filter: LoanFilter = {
      ...(q.fromDepartmentId ? { fromDepartmentId: q.fromDepartmentId } : {}),
      ...(q.toDepartmentId ? { toDepartmentId: q.toDepartmentId } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.date ? { from: new Date(`${q.date}T00:00:00Z`), to: new Date(Date.parse(`${q.date}T00:00:00Z`) + 86_400_000) } : {}),
      // A manager key of a department sees the loans from or to it.
      ...(actor.role === 'manager' && actor.departmentId ? { involvingDepartmentId: actor.departmentId } : {}),
    };
    return this.loans.list(filter, 1000);
  }
}

@Injectable()
export class GetLoan {
  constructor(private readonly loans: LoanRepository) {}
  async execute(actor: Actor, id: string): Promise<LoanEntity> {
    const loan = await this.loans.findById(id);
    if (!loan || (actor.role === 'manager' && actor.departmentId && loan.fromDepartmentId !== actor.departmentId && loan.toDepartmentId !== actor.departmentId)) throw notFound('loan', id);
    return loan;
  }
}

/** Decline (manager of the lending department) or cancel (supervisor): only an active loan, with a reason, audited in the same transaction. */
@Injectable()
export class DecideLoan {
  constructor(
    private readonly loans: LoanRepository,
    private readonly routing: RoutingInvalidations,
  ) {}

  async execute(actor: Actor, id: string, decision: 'declined' | 'cancelled', reason: string): Promise<LoanEntity> {
    const saved = await this.loans.transaction(async (tx) => {
      const loan = await tx.lock(id);
      if (!loan) throw notFound('loan', id);
      if (decision === 'declined' && actor.role === 'manager' && actor.departmentId && actor.departmentId !== loan.fromDepartmentId) {
        throw new DomainError('forbidden', 'loan.not_lending_manager', 'Only a manager of the lending department may decline this loan');
      }
      if (loan.status !== 'active') throw conflict('loan.not_active', `the loan is ${loan.status}`, [{ field: 'status', rule: 'isActive', message: `only an active loan can be ${decision}` }]);
      const saved = await tx.decide(id, decision, actor.actor, reason);
      await tx.audit({ actor: actor.actor, action: decision === 'declined' ? 'loan.declined' : 'loan.cancelled', entityType: 'loan', entityId: id, detail: { reason, previousStatus: loan.status } });
      return saved;
    });
    await this.routing.agentsChanged([saved.agentId]);
    return saved;
  }
}

@Injectable()
export class GetAuditTrail {
  constructor(private readonly planning: PlanningRepository) {}
  execute(entityType: string, entityId: string): Promise<AuditLogEntity[]> {
    return this.planning.auditTrail(entityType, entityId, 1000);
  }
}
