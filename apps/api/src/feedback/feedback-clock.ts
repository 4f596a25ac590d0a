import { Injectable } from '@nestjs/common';
import { seededRandom, type RandomSource } from '../../../../libs/feedback/src/random.js';

/** The clock of the feedback use cases and jobs (tests move it). */
@Injectable()
export class FeedbackClock {
  now(): Date {
    return new Date();
  }
}

/** The random source of survey sampling; tests fix it with a seed so samples are reproducible. */
@Injectable()
export class FeedbackRandom {
  private source: RandomSource = Math.random;

  next: RandomSource = () => this.source();

  useSeed(seed: number): void {
    this.source = seededRandom(seed);
  }
}
