import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliverSurveyInvitations, SampleEndedContacts } from './feedback.use-cases.js';

/**
 * Every 15 seconds: sample the contacts that ended (one instance at a time, advisory lock), then
 * deliver due invitations (every instance may; SKIP LOCKED hands each to one). Off with
 * FEEDBACK_JOBS=false (tests call the use cases with their own clock).
 */
@Injectable()
export class FeedbackJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly INTERVAL_MS = 15_000;
  private readonly logger = new Logger('FeedbackJobs');
  private running = false;

  constructor(
    private readonly sample: SampleEndedContacts,
    private readonly deliver: DeliverSurveyInvitations,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.feedbackJobs === false) return;
    this.scheduler.addInterval('feedback-tick', setInterval(() => void this.run(), FeedbackJobs.INTERVAL_MS));
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', 'feedback-tick')) this.scheduler.deleteInterval('feedback-tick');
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.sample.execute();
      await this.deliver.execute();
    } catch (err) {
      this.logger.error({ msg: 'feedback tick failed', err: err instanceof Error ? { name: err.name, message: err.message } : String(err) });
    } finally {
      this.running = false;
    }
  }
}
