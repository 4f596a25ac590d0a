import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Request, Response } from 'express';

/**
 * Writes server-sent-event streams: `next()` is asked for the current payload after each wake-up
 * (`wait`) and an event is sent when it changed — or when the part of it `changeOf` picks did, for
 * a payload stamped with the time it was read; a comment line every 15 s keeps proxies from
 * closing the connection. A stream ends when the client goes away, or when the application shuts
 * down: the HTTP server's close waits for every open response, so a wallboard or agent desktop
 * left connected kept a stopping process alive (serving, its jobs running) until it was killed.
 * Clients reconnect (EventSource does so by itself) to whichever instance serves next. `wait` gets
 * a signal that is aborted when the stream ends, so that its timer ends with it.
 */
@Injectable()
export class EventStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();

  /** Ends every open stream (before the HTTP server closes). */
  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }

  async serve<T>(req: Request, res: Response, event: string, next: () => Promise<T>, wait: (signal: AbortSignal) => Promise<void>, changeOf: (payload: T) => unknown = (payload) => payload): Promise<void> {
    await this.serveEvents(req, res, async () => ({ [event]: await next() }), wait, { [event]: changeOf as (payload: unknown) => unknown });
  }

  /**
   * A stream of several named events: `next()` answers each event's current payload (in the order
   * they are to be sent) and each is sent when it — or the part of it its `changeOf` picks — changed.
   */
  async serveEvents(
    req: Request,
    res: Response,
    next: () => Promise<Record<string, unknown>>,
    wait: (signal: AbortSignal) => Promise<void>,
    changeOf: Record<string, (payload: unknown) => unknown> = {},
  ): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let open = true;
    let closed!: () => void;
    const gone = new Promise<void>((r) => (closed = r));
    const left = new AbortController();
    const end = (): void => {
      open = false;
      left.abort();
      closed();
    };
    req.on('close', end);
    this.open.add(end);
    try {
      const last = new Map<string, string>();
      let lastWrite = Date.now();
      while (open) {
        const payloads = await next();
        if (!open) break;
        let wrote = false;
        for (const [event, payload] of Object.entries(payloads)) {
          const change = JSON.stringify((changeOf[event] ?? ((p: unknown) => p))(payload));
          if (change === last.get(event)) continue;
          res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
          last.set(event, change);
          wrote = true;
        }
        if (wrote) lastWrite = Date.now();
        else if (Date.now() - lastWrite > 15000) {
          res.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        await Promise.race([wait(left.signal), gone]);
      }
    } finally {
      this.open.delete(end);
      res.end();
    }
  }
}

/** Resolves after `ms`, or at once when `signal` is aborted (the timer is cleared). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
