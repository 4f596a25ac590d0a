import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** The figures of one roll-up row (see libs/reports rollup.ts); every histogram has up to 89 buckets (trailing empty ones are not stored). */
export abstract class ReportMetricsColumns {
  /** Queue rows: contacts that entered the queue in the period, finished or not (agent rows: 0). */
  @Column({ type: 'integer', default: 0 }) arrived: number;
  @Column({ type: 'integer' }) offered: number;
  @Column({ type: 'integer' }) answered: number;
  @Column({ type: 'integer' }) abandoned: number;
  @Column({ type: 'integer' }) failed: number;
  @Column({ type: 'integer', default: 0 }) switched: number;
  @Column({ name: 'ended_by_max_duration', type: 'integer', default: 0 }) endedByMaxDuration: number;
  @Column({ name: 'ended_by_supervisor', type: 'integer', default: 0 }) endedBySupervisor: number;
  @Column({ type: 'integer' }) callbacks: number;
  @Column({ type: 'integer' }) transfers: number;
  @Column({ name: 'answered_wait_seconds', type: 'double precision' }) answeredWaitSeconds: number;
  @Column({ name: 'longest_wait_seconds', type: 'double precision' }) longestWaitSeconds: number;
  @Column({ name: 'answered_wait_histogram', type: 'integer', array: true }) answeredWaitHistogram: number[];
  @Column({ name: 'abandoned_wait_histogram', type: 'integer', array: true }) abandonedWaitHistogram: number[];
  @Column({ type: 'integer' }) handled: number;
  @Column({ name: 'handle_seconds', type: 'double precision' }) handleSeconds: number;
  @Column({ name: 'wrap_ups', type: 'integer' }) wrapUps: number;
  @Column({ name: 'wrap_up_seconds', type: 'double precision' }) wrapUpSeconds: number;
  @Column({ type: 'integer' }) replied: number;
  @Column({ name: 'reply_seconds', type: 'double precision' }) replySeconds: number;
  @Column({ name: 'reply_histogram', type: 'integer', array: true }) replyHistogram: number[];
  @Column({ name: 'replied_within_deadline', type: 'integer' }) repliedWithinDeadline: number;
  @Column({ name: 'fcr_handled', type: 'integer' }) fcrHandled: number;
  @Column({ name: 'fcr_repeated', type: 'integer' }) fcrRepeated: number;
  @Column({ name: 'repeat_contacts', type: 'integer' }) repeatContacts: number;
  @Column({ name: 'staffed_seconds', type: 'double precision' }) staffedSeconds: number;
  @Column({ name: 'occupied_seconds', type: 'double precision' }) occupiedSeconds: number;
}

const GRAIN_CHECK = `grain IN ('interval', 'day', 'week', 'month', 'quarter')`;
const HISTOGRAM_CHECK = `cardinality(answered_wait_histogram) <= 89 AND cardinality(abandoned_wait_histogram) <= 89 AND cardinality(reply_histogram) <= 89`;

/** A queue's figures for one period of one grain; keyed period first (reports read a period range). No foreign keys: figures outlive raw contacts. */
@Entity({ name: 'report_queue_rollups' })
@Check('report_queue_rollups_grain_valid', GRAIN_CHECK)
@Check('report_queue_rollups_histograms_valid', HISTOGRAM_CHECK)
export class ReportQueueRollupEntity extends ReportMetricsColumns {
  @PrimaryColumn({ type: 'text' }) grain: string;
  @PrimaryColumn({ name: 'period_start', type: 'timestamptz' }) periodStart: Date;
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' }) queueId: string;
}

/** An agent's figures in one queue for one 15-minute interval, day or month (weeks are added up from the days when read, quarters from the months). */
@Entity({ name: 'report_agent_rollups' })
@Check('report_agent_rollups_grain_valid', `grain IN ('interval', 'day', 'month')`)
@Check('report_agent_rollups_histograms_valid', HISTOGRAM_CHECK)
export class ReportAgentRollupEntity extends ReportMetricsColumns {
  @PrimaryColumn({ type: 'text' }) grain: string;
  @PrimaryColumn({ name: 'period_start', type: 'timestamptz' }) periodStart: Date;
  @PrimaryColumn({ name: 'agent_id', type: 'uuid' }) agentId: string;
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' }) queueId: string;
}
