import { Injectable } from '@nestjs/common';
import { notFound, unprocessable, type DomainError, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import { PlanningInputError, expandPatterns } from '../../../../libs/planning/src/index.js';
import type { DepartmentPlanningSettingsEntity, EmployeeContractEntity, ShiftTemplateEntity, StoredMinStaffWindow } from '../../../../libs/persistence/src/entities/planning.entity.js';
import { AgentRepository } from '../../../../libs/persistence/src/repositories/agent.repository.js';
import { DepartmentRepository } from '../../../../libs/persistence/src/repositories/department.repository.js';
import { PlanningRepository, type ContractData, type ShiftTemplateData } from '../../../../libs/persistence/src/repositories/planning.repository.js';
import type { ContractBodyDto } from './contract.dto.js';
import type { PlanningSettingsBodyDto } from './planning-settings.dto.js';
import type { Actor } from './planning-context.js';
import { minutesOf, type ShiftTemplateBodyDto } from './shift-template.dto.js';

export const PLANNING_INTERVAL_MINUTES = 15;

export function invalid(violations: FieldViolation[]): DomainError {
  return unprocessable('validation.failed', `The request is invalid: ${violations.map((v) => `${v.field} (${v.rule})`).join(', ')}`, violations);
}

const multiple = (field: string, value: number, out: FieldViolation[]) => {
  if (value % PLANNING_INTERVAL_MINUTES !== 0) out.push({ field, rule: 'intervalMultiple', message: `${field} must be a multiple of ${PLANNING_INTERVAL_MINUTES} minutes (the planning interval)` });
};

/** Cross-field rules of a template (the DTO checks each field); the lib's pattern expansion is the final word. */
export function templateData(body: ShiftTemplateBodyDto): ShiftTemplateData {
  const v: FieldViolation[] = [];
  const earliest = minutesOf(body.earliestStart);
  const latest = minutesOf(body.latestStart);
  const step = body.startStepMinutes ?? PLANNING_INTERVAL_MINUTES;
  multiple('earliestStart', earliest, v);
  multiple('latestStart', latest, v);
  multiple('startStepMinutes', step, v);
  multiple('lengthMinutes', body.lengthMinutes, v);
  if (latest < earliest) v.push({ field: 'latestStart', rule: 'notBeforeEarliest', message: 'latestStart must not be before earliestStart' });
  const breaks = body.breaks ?? [];
  const names = new Set<string>();
  breaks.forEach((b, i) => {
    const at = `breaks[${i}]`;
    multiple(`${at}.lengthMinutes`, b.lengthMinutes, v);
    multiple(`${at}.earliestAfterStartMinutes`, b.earliestAfterStartMinutes, v);
    multiple(`${at}.latestAfterStartMinutes`, b.latestAfterStartMinutes, v);
    if (b.latestAfterStartMinutes < b.earliestAfterStartMinutes) v.push({ field: `${at}.latestAfterStartMinutes`, rule: 'notBeforeEarliest', message: `${at}.latestAfterStartMinutes must not be before earliestAfterStartMinutes` });
    if (b.earliestAfterStartMinutes + b.lengthMinutes > body.lengthMinutes) v.push({ field: `${at}.earliestAfterStartMinutes`, rule: 'insideShift', message: `${at} must fit inside the shift of ${body.lengthMinutes} minutes` });
    if (names.has(b.name)) v.push({ field: `${at}.name`, rule: 'unique', message: `${at}.name "${b.name}" is used by an earlier break` });
    names.add(b.name);
  });
  const unpaid = breaks.reduce((sum, b) => sum + (b.paid ? 0 : b.lengthMinutes), 0);
  if (breaks.length && unpaid >= body.lengthMinutes) v.push({ field: 'breaks', rule: 'leavesWork', message: `the unpaid breaks (${unpaid} minutes) must leave working time in a shift of ${body.lengthMinutes} minutes` });
  if (v.length) throw invalid(v);
  const data: ShiftTemplateData = {
    departmentId: body.departmentId,
    name: body.name.trim(),
    earliestStartMinutes: earliest,
    latestStartMinutes: latest,
    startStepMinutes: step,
    lengthMinutes: body.lengthMinutes,
    breaks: breaks.map((b) => ({ name: b.name, lengthMinutes: b.lengthMinutes, paid: b.paid, earliestAfterStartMinutes: b.earliestAfterStartMinutes, latestAfterStartMinutes: b.latestAfterStartMinutes })),
    weekdays: [...(body.weekdays ?? [1, 2, 3, 4, 5, 6, 7])].sort(),
  };
  // The generator must be able to place it: one day, every start, every break placement.
  try {
    const patterns = expandPatterns({ start: new Date(0), intervalSeconds: PLANNING_INTERVAL_MINUTES * 60, intervals: 2 * 96, intervalsPerDay: 96 }, [{ id: 'probe', ...data, weekdays: undefined }]);
    if (!patterns.length) throw invalid([{ field: 'breaks', rule: 'placeable', message: 'the breaks cannot be placed in order inside the shift' }]);
  } catch (e) {
    if (e instanceof PlanningInputError) throw invalid([{ field: e.field.replace(/^templates\[0\]\.?/, '') || 'breaks', rule: 'placeable', message: e.message }]);
    throw e;
  }
  return data;
}

@Injectable()
export class ListShiftTemplates {
  constructor(private readonly planning: PlanningRepository) {}
  execute(departmentId?: string): Promise<ShiftTemplateEntity[]> {
    return this.planning.listTemplates(departmentId);
  }
}

@Injectable()
export class GetShiftTemplate {
  constructor(private readonly planning: PlanningRepository) {}
  async execute(id: string): Promise<ShiftTemplateEntity> {
    return (await this.planning.findTemplate(id)) ?? Promise.reject(notFound('shift_template', id));
  }
}

@Injectable()
export class SaveShiftTemplate {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly departments: DepartmentRepository,
  ) {}

  /** Creates (id undefined) or replaces a template; the audit line is written in the same transaction. */
  async execute(actor: Actor, body: ShiftTemplateBodyDto, id?: string): Promise<ShiftTemplateEntity> {
    const data = templateData(body);
    if (!(await this.departments.findById(data.departmentId))) throw invalid([{ field: 'departmentId', rule: 'exists', message: `department ${data.departmentId} does not exist` }]);
    return this.planning.transaction(async (tx) => {
      const saved = id === undefined ? await tx.insertTemplate(data) : await tx.updateTemplate(id, data);
      if (!saved) throw notFound('shift_template', id as string);
      await tx.audit({ actor: actor.actor, action: id === undefined ? 'shift_template.created' : 'shift_template.updated', entityType: 'shift_template', entityId: saved.id, detail: { ...data } });
      return saved;
    });
  }
}

@Injectable()
export class DeleteShiftTemplate {
  constructor(private readonly planning: PlanningRepository) {}
  async execute(actor: Actor, id: string): Promise<void> {
    await this.planning.transaction(async (tx) => {
      if (!(await tx.deleteTemplate(id))) throw notFound('shift_template', id);
      await tx.audit({ actor: actor.actor, action: 'shift_template.deleted', entityType: 'shift_template', entityId: id, detail: {} });
    });
  }
}

export function contractData(body: ContractBodyDto): ContractData {
  const v: FieldViolation[] = [];
  if (body.maxShiftMinutes < body.minShiftMinutes) v.push({ field: 'maxShiftMinutes', rule: 'notBelowMin', message: 'maxShiftMinutes must not be below minShiftMinutes' });
  if (body.minWeeklyHours !== undefined && body.minWeeklyHours > body.maxWeeklyHours) v.push({ field: 'minWeeklyHours', rule: 'notAboveMax', message: 'minWeeklyHours must not exceed maxWeeklyHours' });
  if (body.maxShiftMinutes / 60 > body.maxWeeklyHours) v.push({ field: 'maxShiftMinutes', rule: 'withinWeeklyHours', message: 'one shift of maxShiftMinutes must fit in maxWeeklyHours' });
  // The working days left after the days off must hold the weekly minimum in shifts of at most maxShiftMinutes.
  const workDays = 7 - body.minDaysOffPerWeek;
  if (body.minWeeklyHours !== undefined && body.minWeeklyHours > (workDays * body.maxShiftMinutes) / 60) {
    v.push({ field: 'minWeeklyHours', rule: 'reachable', message: `minWeeklyHours cannot be worked in ${workDays} day(s) of at most ${body.maxShiftMinutes} minutes (minDaysOffPerWeek ${body.minDaysOffPerWeek})` });
  }
  const availability = body.availability?.map((w, i) => {
    const from = w.from === '24:00' ? 1440 : Number(w.from.slice(0, 2)) * 60 + Number(w.from.slice(3));
    const to = w.to === '24:00' ? 1440 : Number(w.to.slice(0, 2)) * 60 + Number(w.to.slice(3));
    if (to <= from) v.push({ field: `availability[${i}].to`, rule: 'afterFrom', message: `availability[${i}].to must be after from` });
    return { weekday: w.weekday, fromMinutes: from, toMinutes: to };
  });
  const timeOff = (body.timeOff ?? []).map((o, i) => {
    const from = new Date(o.from);
    const to = new Date(o.to);
    if (!(to.getTime() > from.getTime())) v.push({ field: `timeOff[${i}].to`, rule: 'afterFrom', message: `timeOff[${i}].to must be after from` });
    return { from: from.toISOString(), to: to.toISOString(), ...(o.reason ? { reason: o.reason } : {}) };
  });
  if (v.length) throw invalid(v);
  return {
    maxWeeklyHours: body.maxWeeklyHours,
    minWeeklyHours: body.minWeeklyHours ?? null,
    minShiftMinutes: body.minShiftMinutes,
    maxShiftMinutes: body.maxShiftMinutes,
    minDaysOffPerWeek: body.minDaysOffPerWeek,
    minRestMinutes: body.minRestMinutes ?? 660,
    availability: availability ?? null,
    timeOff,
  };
}

@Injectable()
export class GetContract {
  constructor(private readonly planning: PlanningRepository) {}
  async execute(agentId: string): Promise<EmployeeContractEntity> {
    return (await this.planning.findContract(agentId)) ?? Promise.reject(notFound('contract', agentId));
  }
}

@Injectable()
export class PutContract {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly agents: AgentRepository,
  ) {}
  async execute(actor: Actor, agentId: string, body: ContractBodyDto): Promise<EmployeeContractEntity> {
    const data = contractData(body);
    if (!(await this.agents.findById(agentId))) throw notFound('agent', agentId);
    return this.planning.transaction(async (tx) => {
      const saved = await tx.upsertContract(agentId, data);
      await tx.audit({ actor: actor.actor, action: 'contract.saved', entityType: 'contract', entityId: agentId, detail: { ...data } });
      return saved;
    });
  }
}

@Injectable()
export class GetPlanningSettings {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly departments: DepartmentRepository,
  ) {}
  async execute(departmentId: string): Promise<DepartmentPlanningSettingsEntity | null> {
    if (!(await this.departments.findById(departmentId))) throw notFound('department', departmentId);
    return this.planning.findSettings(departmentId);
  }
}

/** A department's minimum on-shift staffing (15-minute grid, to after from), audited. */
@Injectable()
export class PutPlanningSettings {
  constructor(
    private readonly planning: PlanningRepository,
    private readonly departments: DepartmentRepository,
  ) {}
  async execute(actor: Actor, departmentId: string, body: PlanningSettingsBodyDto): Promise<DepartmentPlanningSettingsEntity> {
    const v: FieldViolation[] = [];
    const windows: StoredMinStaffWindow[] = body.minStaffOnShift.map((w, i) => {
      const from = minutesOf(w.from);
      const to = minutesOf(w.to);
      multiple(`minStaffOnShift[${i}].from`, from, v);
      multiple(`minStaffOnShift[${i}].to`, to, v);
      if (to <= from) v.push({ field: `minStaffOnShift[${i}].to`, rule: 'afterFrom', message: `minStaffOnShift[${i}].to must be after from` });
      return { weekday: w.weekday, fromMinutes: from, toMinutes: to, staff: w.staff };
    });
    if (v.length) throw invalid(v);
    if (!(await this.departments.findById(departmentId))) throw notFound('department', departmentId);
    return this.planning.transaction(async (tx) => {
      const saved = await tx.upsertSettings(departmentId, windows);
      await tx.audit({ actor: actor.actor, action: 'planning_settings.saved', entityType: 'department', entityId: departmentId, detail: { minStaffOnShift: windows } });
      return saved;
    });
  }
}
