/**
 * Lookups by key that share their queries: while one query is in flight, the keys asked meanwhile
 * are collected, and the next query (started as soon as the running one settles) fetches all of
 * them. A key asked again while it is already in the running or the next batch shares that batch's
 * answer. A failed query rejects the waiters of its own batch only; the next batch runs all the same.
 * No timer: an idle batcher queries at once, so a lone lookup waits no longer than before.
 */
interface Waiter<V> {
  key: string;
  resolve(value: V | null): void;
  reject(err: unknown): void;
}

class Batch<V> {
  readonly keys = new Set<string>();
  readonly waiters: Waiter<V>[] = [];
}

export class KeyBatcher<V> {
  private running: Batch<V> | null = null;
  private queued: Batch<V> | null = null;

  /**
   * @param fetchMany one query for many keys; the values found, in any order (keys without one are left out)
   * @param keyOf the key a fetched value answers
   */
  constructor(
    private readonly fetchMany: (keys: string[]) => Promise<V[]>,
    private readonly keyOf: (value: V) => string | null,
  ) {}

  /** The value of `key`, or null when there is none. */
  load(key: string): Promise<V | null> {
    return new Promise<V | null>((resolve, reject) => {
      let batch = this.running?.keys.has(key) ? this.running : this.queued;
      if (!batch) batch = this.queued = new Batch<V>();
      batch.keys.add(key);
      batch.waiters.push({ key, resolve, reject });
      if (!this.running) this.launch();
    });
  }

  private launch(): void {
    const batch = this.queued;
    this.queued = null;
    this.running = batch;
    if (!batch) return;
    let query: Promise<V[]>;
    try {
      query = this.fetchMany([...batch.keys]);
    } catch (err) {
      query = Promise.reject(err);
    }
    query.then(
      (values) => {
        const byKey = new Map<string, V>();
        for (const v of values) {
          const k = this.keyOf(v);
          if (k !== null) byKey.set(k, v);
        }
        this.settle(batch, (w) => w.resolve(byKey.get(w.key) ?? null));
      },
      (err: unknown) => this.settle(batch, (w) => w.reject(err)),
    );
  }

  /** Answers the batch's waiters and starts the batch collected meanwhile. */
  private settle(batch: Batch<V>, answer: (w: Waiter<V>) => void): void {
    this.running = null;
    for (const w of batch.waiters) answer(w);
    this.launch();
  }
}
