import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ReportsModule } from '../reports/reports.module.js';
import { FeedbackClock, FeedbackRandom } from './feedback-clock.js';
import { FeedbackJobs } from './feedback-jobs.js';
import { FeedbackController, SurveysController } from './feedback.controller.js';
import {
  AnswerSurvey,
  DeliverSurveyInvitations,
  ExportAuditSample,
  GetFeedbackReport,
  GetFeedbackSettings,
  LabelFeedbackGroups,
  ListSurveyComments,
  ListSurveyInvitations,
  LoadDataResolution,
  OpenSurvey,
  SampleEndedContacts,
  UpdateFeedbackSettings,
} from './feedback.use-cases.js';
import { SurveyInvitationGateway, WebhookInvitationGateway } from './invitation-gateway.js';

/** Customer feedback: sampling of ended contacts, survey invitations through an outbox, public answers, NPS/FCR reports (surveyed FCR next to FCR from data). */
@Module({
  // ReportsModule: first-contact resolution from data, shown next to the surveyed one
  imports: [ReportsModule],
  controllers: [FeedbackController, SurveysController],
  providers: [
    FeedbackClock,
    FeedbackRandom,
    {
      provide: SurveyInvitationGateway,
      inject: [APP_CONFIG, FeedbackClock],
      useFactory: (config: AppConfig, clock: FeedbackClock): SurveyInvitationGateway | null =>
        config.surveyWebhook ? new WebhookInvitationGateway(config.surveyWebhook.url, config.surveyWebhook.secret, () => clock.now()) : null,
    },
    GetFeedbackSettings,
    UpdateFeedbackSettings,
    SampleEndedContacts,
    DeliverSurveyInvitations,
    ListSurveyInvitations,
    OpenSurvey,
    AnswerSurvey,
    LoadDataResolution,
    LabelFeedbackGroups,
    GetFeedbackReport,
    ListSurveyComments,
    ExportAuditSample,
    FeedbackJobs,
  ],
  exports: [FeedbackClock],
})
export class FeedbackModule {}
