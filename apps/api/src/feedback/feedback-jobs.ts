import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { IntervalJob } from '../common/interval-job.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliverSurveyInvitations, SampleEndedContacts } from './feedback.use-cases.js';

/**
 * Every 15 seconds: sample the contacts that ended (one instance at a time, advisory lock; paced, so a
 * backlog does not take a core in one burst), then
 * deliver due invitations (every instance may; SKIP LOCKED hands each to one). Off with
 * FEEDBACK_JOBS=false (tests call the use cases with their own clock).
 */
@Injectable()
export class FeedbackJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly INTERVAL_MS = 15_000;
  private readonly job: IntervalJob;

  constructor(
    sample: SampleEndedContacts,
    deliver: DeliverSurveyInvitations,
    scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.job = new IntervalJob(scheduler, 'feedback-tick', new Logger('FeedbackJobs'), async (job) => {
      await sample.execute(undefined, { pace: true, stopping: () => job.stopping });
      await deliver.execute();
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.feedbackJobs !== false) this.job.start(FeedbackJobs.INTERVAL_MS);
  }

  /** Before the database closes: no new tick, and the one in flight finishes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
