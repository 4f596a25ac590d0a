/**
 * A small pool of worker threads for CPU-heavy work (staffing simulations and horizons, schedule
 * generation with HiGHS), so that one big calculation never blocks the event loop that also serves
 * routing decisions to the telephony system. Generic over the task; each user has its own worker
 * entry file and protocol (e.g. staffing/staffing.worker.ts, planning/planning.worker.ts).
 *
 * - At most `workers` tasks run at once, each in its own thread; up to `maxQueued` more wait, in
 *   order of submission, except that an `urgent` task (a scheduled job's, which must not be put off
 *   by a crowd of interactive ones) waits only behind other urgent ones and is never refused for a
 *   full line (its caller submits one at a time). A full line refuses a normal task at once
 *   ({@link WorkerPoolBusyError}, with an estimate of when to retry).
 * - Every task has a time limit on its run, counted from when a thread takes it: it measures the
 *   task's own work, so a task is never stopped for the time it waited behind others (counted from
 *   submission, a queue of long tasks made short ones fail their limit without running, and their
 *   callers blame the task: "make it smaller"). When it passes, the task's thread is terminated (the
 *   only way to stop synchronous code) and replaced on the next task ({@link WorkerTimeoutError}).
 *   The wait is bounded by the line's length and, when `maxWaitMs` is set, in time: a task still
 *   waiting then is dropped ({@link WorkerWaitTimeoutError}).
 * - Failures the worker reports come back through the pool's `decode` (a user maps its libraries'
 *   input errors back to their own classes, so callers map them as if run in-process).
 * - Threads start lazily, are `unref`'d (they never keep the process alive) and are terminated by
 *   {@link WorkerPool.close} (the Nest module calls it on shutdown).
 *
 * Where the worker code is. Built (`npm start`: dist/…), the entry is the compiled `<name>.js` next
 * to the calling module. Run from the TypeScript sources (jest with @swc/jest, which has no
 * compiled file to point at), the entry is `<name>.ts` and the thread gets module hooks
 * (`node:module` register) that compile TypeScript with @swc/core as jest does (decorators with
 * their metadata, which TypeORM's entities need) and map the sources' `.js` import specifiers to
 * their `.ts` files. The hooks are used only in that source mode; production never loads @swc/core.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** What a worker thread receives: one task with the id its reply carries. */
export interface WorkerRequest<Task = unknown> {
  id: number;
  task: Task;
}

/** An unexpected error in the worker thread. */
export interface InternalFailure {
  kind: 'internal';
  name: string;
  message: string;
  stack?: string;
}

/** What a worker thread answers (extra fields, e.g. a result kind, are allowed). */
export type WorkerReply<Failure extends { kind: string } = InternalFailure> = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: Failure | InternalFailure };

export interface WorkerPoolOptions {
  /** Threads, i.e. tasks running at once (≥ 1). */
  workers: number;
  /** Tasks waiting for a thread before new ones are refused (≥ 0). */
  maxQueued: number;
  /** Default time limit of a task's run, milliseconds, counted from when a thread takes it. */
  timeoutMs: number;
  /** How long a task may wait for a thread, milliseconds (default: as long as the line takes). */
  maxWaitMs?: number;
}

/** The task's run did not finish within its time limit. */
export class WorkerTimeoutError extends Error {
  override readonly name = 'WorkerTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the task did not finish within ${timeoutMs} ms`);
  }
}

/** Every thread is busy and the waiting line is full. */
export class WorkerPoolBusyError extends Error {
  override readonly name = 'WorkerPoolBusyError';
  constructor(
    readonly running: number,
    readonly queued: number,
    label = 'worker',
    /** when a retry may find room: the line's expected time to clear (WorkerPool.retryAfterMs). */
    readonly retryAfterMs = 1_000,
  ) {
    super(`${running} ${label} tasks are running and ${queued} are waiting`);
  }
}

/** The task waited `maxWaitMs` for a thread and was dropped without running. */
export class WorkerWaitTimeoutError extends Error {
  override readonly name = 'WorkerWaitTimeoutError';
  constructor(
    readonly maxWaitMs: number,
    /** as WorkerPoolBusyError's. */
    readonly retryAfterMs = 1_000,
  ) {
    super(`the task waited ${maxWaitMs} ms for a thread and was not run`);
  }
}

/** Whether a task waits in line like any other or ahead of them (see the pool's notes). */
export type TaskLane = 'normal' | 'urgent';

interface Job {
  id: number;
  task: unknown;
  urgent: boolean;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** the wait limit while waiting, the run's time limit while running. */
  timer?: NodeJS.Timeout;
  startedAt?: number;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export interface WorkerEntry {
  url: URL;
  options: WorkerOptions;
}

/** How to start the worker thread `<name>.js` / `<name>.ts` next to the module at `moduleUrl` (the caller's `import.meta.url`). */
export function workerEntry(name: string, moduleUrl: string): WorkerEntry {
  if (!moduleUrl.endsWith('.ts')) return { url: new URL(`./${name}.js`, moduleUrl), options: {} };
  const swc = pathToFileURL(createRequire(moduleUrl).resolve('@swc/core')).href;
  const hooks = `
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import swc from ${JSON.stringify(swc)};
export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL?.endsWith('.ts')) {
    const ts = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return { url: new URL(`./${name}.ts`, moduleUrl), options: { execArgv: ['--import', `data:text/javascript,${encodeURIComponent(register)}`] } };
}

/** An internal failure of a worker as an Error carrying the worker's stack. */
export function internalError(error: InternalFailure, label = 'worker'): Error {
  const e = new Error(`${label} worker: ${error.name}: ${error.message}`);
  if (error.stack) e.stack = error.stack;
  return e;
}

/**
 * The pool. `decode` turns a failure the worker reported into the error the caller gets (default:
 * internal failures only); `label` names the pool in messages ("staffing", "planning").
 */
export class WorkerPool<Task = unknown, Failure extends { kind: string } = InternalFailure> {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** recent runs' mean length (exponentially weighted), for retry estimates; null until one ends. */
  private meanRunMs: number | null = null;

  constructor(
    private readonly entry: WorkerEntry,
    readonly options: WorkerPoolOptions,
    private readonly decode: (failure: Failure | InternalFailure) => Error = (f) => internalError(f as InternalFailure),
    private readonly label = 'worker',
  ) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('workers must be an integer >= 1');
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) throw new RangeError('maxQueued must be an integer >= 0');
    if (!(options.timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
    if (options.maxWaitMs !== undefined && !(options.maxWaitMs > 0)) throw new RangeError('maxWaitMs must be > 0');
  }

  /** Threads a machine can spare for what-ifs: one core stays with the event loop, at most `cap`. */
  static defaultWorkers(cap: number): number {
    return Math.max(1, Math.min(cap, availableParallelism() - 1));
  }

  /** Tasks running and waiting now. */
  get load(): { running: number; queued: number } {
    return { running: this.slots.filter((s) => s.job !== null).length, queued: this.waiting.length };
  }

  /**
   * When a task refused now may find room: the time the tasks running and waiting are expected to
   * take (recent runs' mean length, per thread), at least a second. Before any run has ended, the
   * time limit's tenth stands in for the mean.
   */
  retryAfterMs(): number {
    const { running, queued } = this.load;
    const mean = this.meanRunMs ?? this.options.timeoutMs / 10;
    return Math.max(1_000, Math.ceil(((running + queued) / this.options.workers) * mean));
  }

  /**
   * Runs the task in a worker thread; rejects on input errors, time-out, a full pool or a crash.
   * `timeoutMs` limits its run (from when a thread takes it); an `urgent` task waits ahead of the
   * normal ones and is never refused for a full line.
   */
  runTask(task: Task, timeoutMs: number = this.options.timeoutMs, lane: TaskLane = 'normal'): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`the ${this.label} worker pool is closed`));
    const { running, queued } = this.load;
    const idle = this.slots.some((s) => s.job === null) || this.slots.length < this.options.workers;
    const urgent = lane === 'urgent';
    if (!idle && !urgent && queued >= this.options.maxQueued) return Promise.reject(new WorkerPoolBusyError(running, queued, this.label, this.retryAfterMs()));
    return new Promise<unknown>((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, urgent, timeoutMs, resolve, reject };
      const maxWaitMs = this.options.maxWaitMs;
      if (maxWaitMs !== undefined) job.timer = setTimeout(() => this.giveUpWaiting(job, maxWaitMs), maxWaitMs);
      // urgent tasks wait behind the urgent ones already waiting, ahead of every normal one
      const at = urgent ? this.waiting.findIndex((j) => !j.urgent) : -1;
      if (at >= 0) this.waiting.splice(at, 0, job);
      else this.waiting.push(job);
      this.dispatch();
    });
  }

  /** Terminates every thread and rejects what is waiting. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) this.settle(job, new Error(`the ${this.label} worker pool closed`));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      if (slot.job) this.settle(slot.job, new Error(`the ${this.label} worker pool closed`));
      slot.job = null;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot) {
        if (this.slots.length >= this.options.workers) return;
        slot = this.spawn();
      }
      const job = this.waiting.shift() as Job;
      slot.job = job;
      job.slot = slot;
      clearTimeout(job.timer);
      job.startedAt = Date.now();
      job.timer = setTimeout(() => this.expire(job), job.timeoutMs);
      const request: WorkerRequest<unknown> = { id: job.id, task: job.task };
      slot.worker.postMessage(request);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry.url, this.entry.options);
    worker.unref();
    const slot: Slot = { worker, job: null };
    worker.on('message', (reply: WorkerReply<Failure>) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = null;
      if (reply.ok) this.settle(job, undefined, reply.result);
      else this.settle(job, reply.error.kind === 'internal' ? internalError(reply.error as InternalFailure, this.label) : this.decode(reply.error));
      this.dispatch();
    });
    const lost = (error: Error) => {
      this.remove(slot);
      if (slot.job) this.settle(slot.job, error);
      slot.job = null;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => lost(error));
    worker.on('exit', (code) => lost(new Error(`a ${this.label} worker thread exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private remove(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private giveUpWaiting(job: Job, maxWaitMs: number): void {
    const at = this.waiting.indexOf(job);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    this.settle(job, new WorkerWaitTimeoutError(maxWaitMs, this.retryAfterMs()));
  }

  private expire(job: Job): void {
    const error = new WorkerTimeoutError(job.timeoutMs);
    const slot = job.slot;
    if (!slot || slot.job !== job) return;
    // Synchronous code cannot be interrupted: the thread goes, a fresh one takes the next task.
    slot.job = null;
    this.remove(slot);
    this.settle(job, error);
    void slot.worker.terminate();
    this.dispatch();
  }

  private settle(job: Job, error: unknown, value?: unknown): void {
    clearTimeout(job.timer);
    if (job.startedAt !== undefined) {
      const ran = Date.now() - job.startedAt;
      this.meanRunMs = this.meanRunMs === null ? ran : 0.8 * this.meanRunMs + 0.2 * ran;
      job.startedAt = undefined;
    }
    if (error !== undefined) job.reject(error);
    else job.resolve(value);
  }
}
