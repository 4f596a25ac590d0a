import { Injectable } from '@nestjs/common';

/** The engine's clock. Tests replace `now` to move time (offer timeouts, wrap-up) without waiting. */
@Injectable()
export class RoutingClock {
  now(): Date {
    return new Date();
  }
}
