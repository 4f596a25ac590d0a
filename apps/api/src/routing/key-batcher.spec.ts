import { KeyBatcher } from './key-batcher.js';

interface Row {
  key: string;
  n: number;
}

/** A fetch whose queries the test answers one by one. */
function controlled() {
  const queries: { keys: string[]; answer(rows: Row[]): void; fail(err: Error): void }[] = [];
  const fetchMany = (keys: string[]): Promise<Row[]> =>
    new Promise((resolve, reject) => {
      queries.push({ keys, answer: resolve, fail: reject });
    });
  return { queries, batcher: new KeyBatcher<Row>(fetchMany, (r) => r.key) };
}

/** Lets the pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyBatcher', () => {
  it('queries a lone key at once, and the keys asked while it runs together in the next query, each once', async () => {
    const { queries, batcher } = controlled();
    const a = batcher.load('a');
    expect(queries.map((q) => q.keys)).toEqual([['a']]);

    const b = batcher.load('b');
    const c = batcher.load('c');
    const b2 = batcher.load('b');
    const a2 = batcher.load('a'); // already in the running query: shares its answer
    expect(queries).toHaveLength(1);

    queries[0].answer([{ key: 'a', n: 1 }]);
    expect(await a).toEqual({ key: 'a', n: 1 });
    expect(await a2).toEqual({ key: 'a', n: 1 });
    expect(queries.map((q) => q.keys)).toEqual([['a'], ['b', 'c']]);

    queries[1].answer([{ key: 'c', n: 3 }, { key: 'b', n: 2 }]);
    expect(await b).toEqual({ key: 'b', n: 2 });
    expect(await b2).toBe(await b);
    expect(await c).toEqual({ key: 'c', n: 3 });

    // Idle again: the next key is queried at once.
    const d = batcher.load('d');
    expect(queries.map((q) => q.keys)).toEqual([['a'], ['b', 'c'], ['d']]);
    queries[2].answer([]);
    expect(await d).toBeNull();
  });

  it('a failed query rejects its own waiters only; the keys collected meanwhile are queried all the same', async () => {
    const { queries, batcher } = controlled();
    const a = batcher.load('a');
    const b = batcher.load('b');
    const err = new Error('connection lost');
    queries[0].fail(err);
    await expect(a).rejects.toBe(err);
    expect(queries.map((q) => q.keys)).toEqual([['a'], ['b']]);
    queries[1].answer([{ key: 'b', n: 2 }]);
    expect(await b).toEqual({ key: 'b', n: 2 });
  });

  it('a fetch that throws before it returns a promise rejects its batch the same way', async () => {
    let calls = 0;
    const batcher = new KeyBatcher<Row>((keys) => {
      calls++;
      if (keys.includes('bad')) throw new Error('bad key');
      return Promise.resolve(keys.map((key) => ({ key, n: 0 })));
    }, (r) => r.key);
    await expect(batcher.load('bad')).rejects.toThrow('bad key');
    expect(await batcher.load('ok')).toEqual({ key: 'ok', n: 0 });
    expect(calls).toBe(2);
  });

  it('many concurrent misses make at most two queries', async () => {
    const seen: string[][] = [];
    const batcher = new KeyBatcher<Row>(async (keys) => {
      seen.push(keys);
      await settle();
      return keys.map((key) => ({ key, n: Number(key) }));
    }, (r) => r.key);
    const keys = Array.from({ length: 50 }, (_, i) => String(i % 20));
    const rows = await Promise.all(keys.map((k) => batcher.load(k)));
    expect(rows.map((r) => r!.n)).toEqual(keys.map(Number));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual(['0']);
    expect(seen[1]).toHaveLength(19);
  });
});
