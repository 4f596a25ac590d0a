import { AgentSkillEntity } from './agent-skill.entity.js';
import { AgentEntity } from './agent.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { BusinessCalendarEntity, CalendarClosureEntity } from './business-calendar.entity.js';
import { ChannelEntity } from './channel.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { ForecastAlertEntity } from './forecast-alert.entity.js';
import { IntradayReforecastEntity } from './intraday-reforecast.entity.js';
import { IntervalStatisticEntity } from './interval-statistic.entity.js';
import { LetterBatchEntity } from './letter-batch.entity.js';
import { QueueEntity, QueueSkillEntity } from './queue.entity.js';
import { SkillEntity } from './skill.entity.js';
import { AgentPresenceEntity } from './agent-presence.entity.js';
import { ApiKeyAgentEntity } from './api-key-agent.entity.js';
import { ContactEntity, ContactEventEntity } from './contact.entity.js';
import { CustomerEntity } from './customer.entity.js';
import { EntryPointEntity } from './entry-point.entity.js';
import { QueueRoutingSettingsEntity } from './queue-routing-settings.entity.js';
import { ReservationEntity } from './reservation.entity.js';
import { AuditLogEntity, LoanEntity } from './loan.entity.js';
import { ReportAgentRollupEntity, ReportQueueRollupEntity } from './report-rollup.entity.js';
import { ReportAgentStateEntity, ReportContactFactEntity, ReportEmailBacklogEntity, ReportFeedEntity } from './report-feed.entity.js';
import { DepartmentPlanningSettingsEntity, EmployeeContractEntity, ScheduleEntity, ScheduleShiftEntity, ShiftTemplateEntity } from './planning.entity.js';
import { FeedbackQueueRateEntity, FeedbackSettingsEntity, SurveyCandidateEntity, SurveyEntity, SurveyInvitationEntity } from './feedback.entity.js';

export * from './agent-skill.entity.js';
export * from './agent.entity.js';
export * from './api-key.entity.js';
export * from './business-calendar.entity.js';
export * from './channel.entity.js';
export * from './department.entity.js';
export * from './forecast-alert.entity.js';
export * from './intraday-reforecast.entity.js';
export * from './interval-statistic.entity.js';
export * from './letter-batch.entity.js';
export * from './queue.entity.js';
export * from './skill.entity.js';
export * from './agent-presence.entity.js';
export * from './api-key-agent.entity.js';
export * from './contact.entity.js';
export * from './customer.entity.js';
export * from './entry-point.entity.js';
export * from './queue-routing-settings.entity.js';
export * from './reservation.entity.js';
export * from './loan.entity.js';
export * from './report-rollup.entity.js';
export * from './report-feed.entity.js';
export * from './planning.entity.js';
export * from './feedback.entity.js';

export const ENTITIES = [
  ChannelEntity,
  DepartmentEntity,
  SkillEntity,
  AgentEntity,
  AgentSkillEntity,
  BusinessCalendarEntity,
  CalendarClosureEntity,
  QueueEntity,
  QueueSkillEntity,
  IntervalStatisticEntity,
  LetterBatchEntity,
  ForecastAlertEntity,
  IntradayReforecastEntity,
  ApiKeyEntity,
  CustomerEntity,
  EntryPointEntity,
  QueueRoutingSettingsEntity,
  AgentPresenceEntity,
  ContactEntity,
  ContactEventEntity,
  ReservationEntity,
  ApiKeyAgentEntity,
  LoanEntity,
  AuditLogEntity,
  ReportQueueRollupEntity,
  ReportAgentRollupEntity,
  ReportContactFactEntity,
  ReportEmailBacklogEntity,
  ReportAgentStateEntity,
  ReportFeedEntity,
  ShiftTemplateEntity,
  EmployeeContractEntity,
  ScheduleEntity,
  ScheduleShiftEntity,
  DepartmentPlanningSettingsEntity,
  FeedbackSettingsEntity,
  FeedbackQueueRateEntity,
  SurveyCandidateEntity,
  SurveyEntity,
  SurveyInvitationEntity,
];
