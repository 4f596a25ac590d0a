import type { Request, Response } from 'express';

/**
 * Writes a server-sent-event stream: `next()` is asked for the current payload after each wake-up
 * (`wait`) and an event is sent when it changed; a comment line every 15 s keeps proxies from
 * closing the connection. Ends when the client goes away; `wait` gets a signal that is aborted
 * then, so that its timer ends with the stream instead of lingering.
 */
export async function serveEventStream(
  req: Request,
  res: Response,
  event: string,
  next: () => Promise<unknown>,
  wait: (signal: AbortSignal) => Promise<void>,
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
  req.on('close', () => {
    open = false;
    left.abort();
    closed();
  });
  let last = '';
  let lastWrite = Date.now();
  while (open) {
    const data = JSON.stringify(await next());
    if (data !== last) {
      res.write(`event: ${event}\ndata: ${data}\n\n`);
      last = data;
      lastWrite = Date.now();
    } else if (Date.now() - lastWrite > 15000) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    if (!open) break;
    await Promise.race([wait(left.signal), gone]);
  }
  res.end();
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
