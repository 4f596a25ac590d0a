import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';

export interface OpeningHoursRow {
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  open: string;
  close: string;
}

@Entity({ name: 'business_calendars' })
@Unique('business_calendars_key_unique', ['key'])
@Check('business_calendars_opening_hours_array', `jsonb_typeof(opening_hours) = 'array'`)
export class BusinessCalendarEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  /** Public holidays of this region close the calendar (`FI`, `SE`: libs/calendar holidaysFor); null for none. */
  @Column({ name: 'holiday_region', type: 'text', nullable: true })
  holidayRegion: string | null;

  @Column({ name: 'opening_hours', type: 'jsonb' })
  openingHours: OpeningHoursRow[];

  @OneToMany(() => CalendarClosureEntity, (closure) => closure.calendar, { cascade: true, eager: true })
  closures: Relation<CalendarClosureEntity[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A date on which the calendar is closed besides public holidays (a training day, a strike). */
@Entity({ name: 'calendar_closures' })
export class CalendarClosureEntity {
  @PrimaryColumn({ name: 'calendar_id', type: 'uuid' })
  calendarId: string;

  @PrimaryColumn({ type: 'date' })
  date: string;

  @Column({ type: 'text' })
  name: string;

  @ManyToOne(() => BusinessCalendarEntity, (calendar) => calendar.closures, { onDelete: 'CASCADE', orphanedRowAction: 'delete' })
  @JoinColumn({ name: 'calendar_id', foreignKeyConstraintName: 'calendar_closures_calendar_fk' })
  calendar: Relation<BusinessCalendarEntity>;
}
