import type { DataSource, EntityManager } from 'typeorm';
import { AuditLogEntity } from '../entities/loan.entity.js';
import {
  DepartmentPlanningSettingsEntity,
  EmployeeContractEntity,
  ScheduleEntity,
  ScheduleShiftEntity,
  ShiftTemplateEntity,
  type StoredAvailabilityWindow,
  type StoredBreak,
  type StoredBreakRule,
  type StoredDemand,
  type StoredMinStaffWindow,
  type StoredScheduleFigures,
  type StoredTimeOff,
} from '../entities/planning.entity.js';

/** One line of the audit log, written in the same transaction as the change it describes. */
export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  detail: Record<string, unknown>;
}

export interface ShiftTemplateData {
  departmentId: string;
  name: string;
  earliestStartMinutes: number;
  latestStartMinutes: number;
  startStepMinutes: number;
  lengthMinutes: number;
  breaks: StoredBreakRule[];
  weekdays: number[];
}

export interface ContractData {
  maxWeeklyHours: number;
  minWeeklyHours: number | null;
  minShiftMinutes: number;
  maxShiftMinutes: number;
  minDaysOffPerWeek: number;
  minRestMinutes: number;
  availability: StoredAvailabilityWindow[] | null;
  timeOff: StoredTimeOff[];
}

export interface ScheduleDraftData {
  departmentId: string;
  weekStart: string;
  timeZone: string;
  intervalMinutes: number;
  demands: StoredDemand[];
  figures: StoredScheduleFigures;
  generatedBy: string;
  generatedAt: Date;
}

export interface ShiftData {
  agentId: string | null;
  /** null = the department's own work. */
  queueId: string | null;
  templateId: string | null;
  startsAt: Date;
  endsAt: Date;
  breaks: StoredBreak[];
}

/** A shift of some department's schedule, with the department (for borrowing candidates). */
export interface DepartmentShift extends ShiftData {
  id: string;
  scheduleId: string;
  departmentId: string;
}

/** What planning needs of an agent: department, channel capacities and skills (no personal data). */
export interface PlanningAgent {
  id: string;
  departmentId: string;
  active: boolean;
  capacity: { phone: number; chat: number; email: number };
  skills: Record<string, number>;
}

export interface ScheduleFilter {
  departmentId?: string;
  weekStart?: string;
  status?: string;
}

/** Writes of planning, inside one transaction; `audit` appends to audit_log in the same transaction. */
export interface PlanningTransaction {
  insertTemplate(data: ShiftTemplateData): Promise<ShiftTemplateEntity>;
  updateTemplate(id: string, data: ShiftTemplateData): Promise<ShiftTemplateEntity | null>;
  deleteTemplate(id: string): Promise<boolean>;
  upsertContract(agentId: string, data: ContractData): Promise<EmployeeContractEntity>;
  /** Creates the week's schedule or replaces a draft's header; null when the week's schedule is published. */
  upsertScheduleDraft(data: ScheduleDraftData): Promise<ScheduleEntity | null>;
  replaceShifts(scheduleId: string, shifts: readonly ShiftData[]): Promise<void>;
  insertShift(scheduleId: string, shift: ShiftData): Promise<ScheduleShiftEntity>;
  updateShift(id: string, shift: ShiftData): Promise<void>;
  deleteShift(id: string): Promise<void>;
  /** Locks the schedule row (edits of one schedule are serialised). */
  lockSchedule(id: string): Promise<ScheduleEntity | null>;
  publishSchedule(id: string, at: Date): Promise<void>;
  touchSchedule(id: string): Promise<void>;
  upsertSettings(departmentId: string, minStaffOnShift: readonly StoredMinStaffWindow[]): Promise<DepartmentPlanningSettingsEntity>;
  audit(entry: AuditEntry): Promise<void>;
}

export abstract class PlanningRepository {
  abstract transaction<T>(fn: (tx: PlanningTransaction) => Promise<T>): Promise<T>;
  abstract listTemplates(departmentId?: string): Promise<ShiftTemplateEntity[]>;
  abstract findTemplate(id: string): Promise<ShiftTemplateEntity | null>;
  abstract findContract(agentId: string): Promise<EmployeeContractEntity | null>;
  abstract contractsFor(agentIds: readonly string[]): Promise<EmployeeContractEntity[]>;
  abstract findSchedule(id: string): Promise<ScheduleEntity | null>;
  abstract findScheduleByWeek(departmentId: string, weekStart: string): Promise<ScheduleEntity | null>;
  abstract listSchedules(filter: ScheduleFilter): Promise<ScheduleEntity[]>;
  abstract shiftsOf(scheduleId: string): Promise<ScheduleShiftEntity[]>;
  abstract findShift(id: string): Promise<ScheduleShiftEntity | null>;
  /** Shifts of every schedule that overlap [from, to), with their schedule's department. */
  abstract shiftsBetween(from: Date, to: Date, agentId?: string): Promise<DepartmentShift[]>;
  abstract findSettings(departmentId: string): Promise<DepartmentPlanningSettingsEntity | null>;
  /** The time zone planning uses for a department: the calendar of its first queue (by key), else null. */
  abstract departmentTimeZone(departmentId: string): Promise<string | null>;
  /** Agents of a department, or the given agents, with their skills. */
  abstract planningAgents(filter: { departmentId?: string; agentIds?: readonly string[] }): Promise<PlanningAgent[]>;
  abstract auditTrail(entityType: string, entityId: string, limit: number): Promise<AuditLogEntity[]>;
}

/** Appends one audit line with the given manager (so inside the caller's transaction). */
export async function appendAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await manager.query('INSERT INTO audit_log (actor, action, entity_type, entity_id, detail) VALUES ($1, $2, $3, $4, $5::jsonb)', [
    entry.actor,
    entry.action,
    entry.entityType,
    entry.entityId,
    JSON.stringify(entry.detail),
  ]);
}

class TypeOrmPlanningTransaction implements PlanningTransaction {
  constructor(private readonly tx: EntityManager) {}

  async insertTemplate(data: ShiftTemplateData): Promise<ShiftTemplateEntity> {
    const repo = this.tx.getRepository(ShiftTemplateEntity);
    const saved = await repo.save(repo.create(data));
    return (await repo.findOneBy({ id: saved.id }))!;
  }

  async updateTemplate(id: string, data: ShiftTemplateData): Promise<ShiftTemplateEntity | null> {
    const repo = this.tx.getRepository(ShiftTemplateEntity);
    const result = await repo.update({ id }, data);
    return (result.affected ?? 0) > 0 ? repo.findOneBy({ id }) : null;
  }

  async deleteTemplate(id: string): Promise<boolean> {
    const result = await this.tx.getRepository(ShiftTemplateEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async upsertContract(agentId: string, data: ContractData): Promise<EmployeeContractEntity> {
    await this.tx.query(
      `INSERT INTO employee_contracts (agent_id, max_weekly_hours, min_weekly_hours, min_shift_minutes, max_shift_minutes, min_days_off_per_week, min_rest_minutes, availability, time_off, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, now())
       ON CONFLICT (agent_id) DO UPDATE SET max_weekly_hours = EXCLUDED.max_weekly_hours, min_weekly_hours = EXCLUDED.min_weekly_hours,
         min_shift_minutes = EXCLUDED.min_shift_minutes, max_shift_minutes = EXCLUDED.max_shift_minutes, min_days_off_per_week = EXCLUDED.min_days_off_per_week,
         min_rest_minutes = EXCLUDED.min_rest_minutes, availability = EXCLUDED.availability, time_off = EXCLUDED.time_off, updated_at = now()`,
      [
        agentId,
        data.maxWeeklyHours,
        data.minWeeklyHours,
        data.minShiftMinutes,
        data.maxShiftMinutes,
        data.minDaysOffPerWeek,
        data.minRestMinutes,
        data.availability === null ? null : JSON.stringify(data.availability),
        JSON.stringify(data.timeOff),
      ],
    );
    return (await this.tx.getRepository(EmployeeContractEntity).findOneBy({ agentId }))!;
  }

  async upsertScheduleDraft(d: ScheduleDraftData): Promise<ScheduleEntity | null> {
    const rows: { id: string }[] = await this.tx.query(
      `INSERT INTO schedules (department_id, week_start, status, time_zone, interval_minutes, demands, figures, generated_by, generated_at)
       VALUES ($1, $2, 'draft', $3, $4, $5::jsonb, $6::jsonb, $7, $8)
       ON CONFLICT (department_id, week_start) DO UPDATE SET time_zone = EXCLUDED.time_zone, interval_minutes = EXCLUDED.interval_minutes,
         demands = EXCLUDED.demands, figures = EXCLUDED.figures, generated_by = EXCLUDED.generated_by, generated_at = EXCLUDED.generated_at, updated_at = now()
         WHERE schedules.status = 'draft'
       RETURNING id`,
      [d.departmentId, d.weekStart, d.timeZone, d.intervalMinutes, JSON.stringify(d.demands), JSON.stringify(d.figures), d.generatedBy, d.generatedAt.toISOString()],
    );
    const id = rows[0]?.id;
    return id ? this.tx.getRepository(ScheduleEntity).findOneBy({ id }) : null;
  }

  async replaceShifts(scheduleId: string, shifts: readonly ShiftData[]): Promise<void> {
    await this.tx.query('DELETE FROM schedule_shifts WHERE schedule_id = $1', [scheduleId]);
    const chunk = 2000;
    for (let i = 0; i < shifts.length; i += chunk) {
      const part = shifts.slice(i, i + chunk);
      await this.tx.query(
        `INSERT INTO schedule_shifts (schedule_id, agent_id, queue_id, template_id, starts_at, ends_at, breaks)
         SELECT $1, a, q, t, s, e, b FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::jsonb[]) AS x(a, q, t, s, e, b)`,
        [
          scheduleId,
          part.map((s) => s.agentId),
          part.map((s) => s.queueId),
          part.map((s) => s.templateId),
          part.map((s) => s.startsAt.toISOString()),
          part.map((s) => s.endsAt.toISOString()),
          part.map((s) => JSON.stringify(s.breaks)),
        ],
      );
    }
  }

  async insertShift(scheduleId: string, shift: ShiftData): Promise<ScheduleShiftEntity> {
    const repo = this.tx.getRepository(ScheduleShiftEntity);
    const saved = await repo.save(repo.create({ ...shift, scheduleId }));
    return (await repo.findOneBy({ id: saved.id }))!;
  }

  async updateShift(id: string, shift: ShiftData): Promise<void> {
    await this.tx.getRepository(ScheduleShiftEntity).update({ id }, shift);
  }

  async deleteShift(id: string): Promise<void> {
    await this.tx.getRepository(ScheduleShiftEntity).delete({ id });
  }

  async lockSchedule(id: string): Promise<ScheduleEntity | null> {
    const rows: { id: string }[] = await this.tx.query('SELECT id FROM schedules WHERE id = $1 FOR UPDATE', [id]);
    return rows.length ? this.tx.getRepository(ScheduleEntity).findOneBy({ id }) : null;
  }

  async publishSchedule(id: string, at: Date): Promise<void> {
    await this.tx.query(`UPDATE schedules SET status = 'published', published_at = $2, updated_at = now() WHERE id = $1`, [id, at.toISOString()]);
  }

  async touchSchedule(id: string): Promise<void> {
    await this.tx.query('UPDATE schedules SET updated_at = now() WHERE id = $1', [id]);
  }

  async upsertSettings(departmentId: string, minStaffOnShift: readonly StoredMinStaffWindow[]): Promise<DepartmentPlanningSettingsEntity> {
    await this.tx.query(
      `INSERT INTO department_planning_settings (department_id, min_staff_on_shift, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (department_id) DO UPDATE SET min_staff_on_shift = EXCLUDED.min_staff_on_shift, updated_at = now()`,
      [departmentId, JSON.stringify(minStaffOnShift)],
    );
    return (await this.tx.getRepository(DepartmentPlanningSettingsEntity).findOneBy({ departmentId }))!;
  }

  audit(entry: AuditEntry): Promise<void> {
    return appendAudit(this.tx, entry);
  }
}

export class TypeOrmPlanningRepository extends PlanningRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  transaction<T>(fn: (tx: PlanningTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => fn(new TypeOrmPlanningTransaction(manager)));
  }

  listTemplates(departmentId?: string): Promise<ShiftTemplateEntity[]> {
    return this.dataSource.getRepository(ShiftTemplateEntity).find({ where: departmentId ? { departmentId } : {}, order: { departmentId: 'ASC', name: 'ASC' }, take: 1000 });
  }

  findTemplate(id: string): Promise<ShiftTemplateEntity | null> {
    return this.dataSource.getRepository(ShiftTemplateEntity).findOneBy({ id });
  }

  findContract(agentId: string): Promise<EmployeeContractEntity | null> {
    return this.dataSource.getRepository(EmployeeContractEntity).findOneBy({ agentId });
  }

  contractsFor(agentIds: readonly string[]): Promise<EmployeeContractEntity[]> {
    if (!agentIds.length) return Promise.resolve([]);
    return this.dataSource.getRepository(EmployeeContractEntity).createQueryBuilder('c').where('c.agent_id = ANY(:ids)', { ids: [...agentIds] }).getMany();
  }

  findSchedule(id: string): Promise<ScheduleEntity | null> {
    return this.dataSource.getRepository(ScheduleEntity).findOneBy({ id });
  }

  findScheduleByWeek(departmentId: string, weekStart: string): Promise<ScheduleEntity | null> {
    return this.dataSource.getRepository(ScheduleEntity).findOneBy({ departmentId, weekStart });
  }

  listSchedules(filter: ScheduleFilter): Promise<ScheduleEntity[]> {
    const qb = this.dataSource.getRepository(ScheduleEntity).createQueryBuilder('s');
    if (filter.departmentId) qb.andWhere('s.department_id = :departmentId', { departmentId: filter.departmentId });
    if (filter.weekStart) qb.andWhere('s.week_start = :weekStart', { weekStart: filter.weekStart });
    if (filter.status) qb.andWhere('s.status = :status', { status: filter.status });
    return qb.orderBy('s.week_start', 'DESC').addOrderBy('s.department_id', 'ASC').take(500).getMany();
  }

  shiftsOf(scheduleId: string): Promise<ScheduleShiftEntity[]> {
    return this.dataSource.getRepository(ScheduleShiftEntity).find({ where: { scheduleId }, order: { startsAt: 'ASC', id: 'ASC' } });
  }

  findShift(id: string): Promise<ScheduleShiftEntity | null> {
    return this.dataSource.getRepository(ScheduleShiftEntity).findOneBy({ id });
  }

  findSettings(departmentId: string): Promise<DepartmentPlanningSettingsEntity | null> {
    return this.dataSource.getRepository(DepartmentPlanningSettingsEntity).findOneBy({ departmentId });
  }

  async shiftsBetween(from: Date, to: Date, agentId?: string): Promise<DepartmentShift[]> {
    const rows: { id: string; schedule_id: string; department_id: string; agent_id: string | null; queue_id: string | null; template_id: string | null; starts_at: Date; ends_at: Date; breaks: StoredBreak[] }[] =
      await this.dataSource.query(
        `SELECT sh.id, sh.schedule_id, s.department_id, sh.agent_id, sh.queue_id, sh.template_id, sh.starts_at, sh.ends_at, sh.breaks
           FROM schedule_shifts sh JOIN schedules s ON s.id = sh.schedule_id
          WHERE sh.starts_at < $2 AND sh.ends_at > $1 AND ($3::uuid IS NULL OR sh.agent_id = $3)
          ORDER BY sh.starts_at, sh.id`,
        [from.toISOString(), to.toISOString(), agentId ?? null],
      );
    return rows.map((r) => ({
      id: r.id,
      scheduleId: r.schedule_id,
      departmentId: r.department_id,
      agentId: r.agent_id,
      queueId: r.queue_id,
      templateId: r.template_id,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      breaks: r.breaks,
    }));
  }

  async departmentTimeZone(departmentId: string): Promise<string | null> {
    const rows: { time_zone: string }[] = await this.dataSource.query(
      'SELECT c.time_zone FROM queues q JOIN business_calendars c ON c.id = q.calendar_id WHERE q.department_id = $1 ORDER BY q.key LIMIT 1',
      [departmentId],
    );
    return rows[0]?.time_zone ?? null;
  }

  async planningAgents(filter: { departmentId?: string; agentIds?: readonly string[] }): Promise<PlanningAgent[]> {
    const rows: { id: string; department_id: string; active: boolean; phone_capacity: number; chat_capacity: number; email_capacity: number; skills: Record<string, number> | null }[] = await this.dataSource.query(
      `SELECT a.id, a.department_id, a.active, a.phone_capacity, a.chat_capacity, a.email_capacity,
              (SELECT jsonb_object_agg(s.skill_key, s.proficiency) FROM agent_skills s WHERE s.agent_id = a.id) AS skills
         FROM agents a
        WHERE ($1::uuid IS NULL OR a.department_id = $1) AND ($2::uuid[] IS NULL OR a.id = ANY($2::uuid[]))
        ORDER BY a.employee_number`,
      [filter.departmentId ?? null, filter.agentIds ? [...filter.agentIds] : null],
    );
    return rows.map((r) => ({
      id: r.id,
      departmentId: r.department_id,
      active: r.active,
      capacity: { phone: Number(r.phone_capacity), chat: Number(r.chat_capacity), email: Number(r.email_capacity) },
      skills: r.skills ?? {},
    }));
  }

  auditTrail(entityType: string, entityId: string, limit: number): Promise<AuditLogEntity[]> {
    return this.dataSource.getRepository(AuditLogEntity).find({ where: { entityType, entityId }, order: { at: 'ASC', id: 'ASC' }, take: limit });
  }
}
