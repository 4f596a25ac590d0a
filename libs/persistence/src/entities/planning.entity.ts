import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, UpdateDateColumn, type Relation } from 'typeorm';
import { AgentEntity } from './agent.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { QueueEntity } from './queue.entity.js';

const numeric = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** A break rule of a template, minutes after the shift start (libs/planning BreakRule). */
export interface StoredBreakRule {
  name: string;
  lengthMinutes: number;
  paid: boolean;
  earliestAfterStartMinutes: number;
  latestAfterStartMinutes: number;
}

/** A shift template of a department: start window (minutes after local midnight), length, breaks. */
@Entity({ name: 'shift_templates' })
@Unique('shift_templates_department_name_unique', ['departmentId', 'name'])
@Check('shift_templates_name_not_blank', `length(btrim(name)) > 0`)
@Check('shift_templates_start_window_valid', `earliest_start_minutes >= 0 AND earliest_start_minutes <= latest_start_minutes AND latest_start_minutes < 1440`)
@Check('shift_templates_length_valid', `length_minutes > 0 AND length_minutes <= 960`)
@Check('shift_templates_step_positive', `start_step_minutes > 0`)
export class ShiftTemplateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'shift_templates_department_fk' })
  department?: Relation<DepartmentEntity>;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'earliest_start_minutes', type: 'integer' })
  earliestStartMinutes: number;

  @Column({ name: 'latest_start_minutes', type: 'integer' })
  latestStartMinutes: number;

  @Column({ name: 'start_step_minutes', type: 'integer' })
  startStepMinutes: number;

  @Column({ name: 'length_minutes', type: 'integer' })
  lengthMinutes: number;

  @Column({ type: 'jsonb' })
  breaks: StoredBreakRule[];

  /** ISO weekdays (1 = Monday) on which the template may be used. */
  @Column({ type: 'jsonb' })
  weekdays: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export interface StoredAvailabilityWindow {
  weekday: number;
  fromMinutes: number;
  toMinutes: number;
}

export interface StoredTimeOff {
  from: string;
  to: string;
  reason?: string;
}

/** An agent's employment contract (libs/planning Contract). */
@Entity({ name: 'employee_contracts' })
@Check('employee_contracts_weekly_hours_valid', `max_weekly_hours > 0 AND max_weekly_hours <= 80 AND (min_weekly_hours IS NULL OR (min_weekly_hours >= 0 AND min_weekly_hours <= max_weekly_hours))`)
@Check('employee_contracts_shift_length_valid', `min_shift_minutes > 0 AND min_shift_minutes <= max_shift_minutes AND max_shift_minutes <= 960`)
@Check('employee_contracts_days_off_valid', `min_days_off_per_week BETWEEN 0 AND 7`)
@Check('employee_contracts_rest_valid', `min_rest_minutes BETWEEN 0 AND 1440`)
export class EmployeeContractEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'employee_contracts_agent_fk' })
  agent?: Relation<AgentEntity>;

  @Column({ name: 'max_weekly_hours', type: 'numeric', precision: 5, scale: 2, transformer: numeric })
  maxWeeklyHours: number;

  @Column({ name: 'min_weekly_hours', type: 'numeric', precision: 5, scale: 2, nullable: true, transformer: numeric })
  minWeeklyHours: number | null;

  @Column({ name: 'min_shift_minutes', type: 'integer' })
  minShiftMinutes: number;

  @Column({ name: 'max_shift_minutes', type: 'integer' })
  maxShiftMinutes: number;

  @Column({ name: 'min_days_off_per_week', type: 'smallint' })
  minDaysOffPerWeek: number;

  @Column({ name: 'min_rest_minutes', type: 'integer' })
  minRestMinutes: number;

  /** null = available any time. */
  @Column({ type: 'jsonb', nullable: true })
  availability: StoredAvailabilityWindow[] | null;

  @Column({ name: 'time_off', type: 'jsonb' })
  timeOff: StoredTimeOff[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export const SCHEDULE_STATUSES = ['draft', 'published'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** The requirement of one queue a schedule was generated for (libs/planning ActivityDemand, activity = queue id). */
export interface StoredDemand {
  /** null = the department's own work (its minimum on-shift staffing as the requirement). */
  queueId: string | null;
  channel: string;
  required: number[];
  shrinkage: number;
  forecast?: { volumes: number[]; ahtSeconds: number[]; target: { serviceLevel: number; thresholdSeconds: number } };
}

/** What the generator reported (libs/planning ScheduleGenerationResult.figures and more). */
export interface StoredScheduleFigures {
  solverStatus: string;
  patterns: number;
  mipStaffHours: number;
  lpStaffHours: number;
  mipObjective: number;
  lpObjective: number | null;
  gapToLpBound: number;
  assignedStaffHours: number;
  unassignedShifts: number;
  timeLimitSeconds: number;
  seconds: number;
}

/** A department's schedule for one ISO week. */
@Entity({ name: 'schedules' })
@Unique('schedules_department_week_unique', ['departmentId', 'weekStart'])
@Check('schedules_status_valid', `status IN ('draft', 'published')`)
@Check('schedules_published_consistent', `(status = 'published') = (published_at IS NOT NULL)`)
@Check('schedules_week_start_monday', `extract(isodow FROM week_start) = 1`)
@Check('schedules_interval_minutes_valid', `interval_minutes IN (15, 30, 60)`)
export class ScheduleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'schedules_department_fk' })
  department?: Relation<DepartmentEntity>;

  /** Monday of the ISO week (local date). */
  @Column({ name: 'week_start', type: 'date' })
  weekStart: string;

  @Column({ type: 'text' })
  status: ScheduleStatus;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  @Column({ name: 'interval_minutes', type: 'smallint' })
  intervalMinutes: number;

  @Column({ type: 'jsonb' })
  demands: StoredDemand[];

  @Column({ type: 'jsonb' })
  figures: StoredScheduleFigures;

  @Column({ name: 'generated_by', type: 'text' })
  generatedBy: string;

  @Column({ name: 'generated_at', type: 'timestamptz' })
  generatedAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export interface StoredBreak {
  name: string;
  paid: boolean;
  startsAt: string;
  endsAt: string;
}

/** One shift of a schedule: who (null = unassigned), on which queue (null = own work), when, with which breaks. */
@Entity({ name: 'schedule_shifts' })
@Index('schedule_shifts_schedule_idx', ['scheduleId', 'startsAt'])
@Index('schedule_shifts_agent_idx', ['agentId', 'startsAt'])
@Check('schedule_shifts_window_valid', `starts_at < ends_at`)
export class ScheduleShiftEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'schedule_id', type: 'uuid' })
  scheduleId: string;

  @ManyToOne(() => ScheduleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'schedule_id', foreignKeyConstraintName: 'schedule_shifts_schedule_fk' })
  schedule?: Relation<ScheduleEntity>;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'schedule_shifts_agent_fk' })
  agent?: Relation<AgentEntity>;

  /** null = the department's own work (no queue). */
  @Column({ name: 'queue_id', type: 'uuid', nullable: true })
  queueId: string | null;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'schedule_shifts_queue_fk' })
  queue?: Relation<QueueEntity>;

  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId: string | null;

  @ManyToOne(() => ShiftTemplateEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'schedule_shifts_template_fk' })
  template?: Relation<ShiftTemplateEntity>;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'jsonb' })
  breaks: StoredBreak[];
}

/** Staff a department keeps on shift in a weekday window (minutes after local midnight), whatever it lends. */
export interface StoredMinStaffWindow {
  weekday: number;
  fromMinutes: number;
  toMinutes: number;
  staff: number;
}

/** Planning settings of a department: what it keeps on shift when its own work is not forecast. */
@Entity({ name: 'department_planning_settings' })
@Check('department_planning_settings_min_staff_valid', `jsonb_typeof(min_staff_on_shift) = 'array'`)
export class DepartmentPlanningSettingsEntity {
  @PrimaryColumn({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @ManyToOne(() => DepartmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'department_planning_settings_department_fk' })
  department?: Relation<DepartmentEntity>;

  @Column({ name: 'min_staff_on_shift', type: 'jsonb' })
  minStaffOnShift: StoredMinStaffWindow[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
