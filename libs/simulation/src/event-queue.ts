/**
 * A binary min-heap of timed events. Ties on time are broken by insertion order (a sequence
 * number), so the simulation is deterministic whatever the heap's internal layout.
 */
export interface Timed {
  /** Simulated seconds since the start of the window. */
  time: number;
}

interface Entry<T> {
  time: number;
  seq: number;
  value: T;
}

export class EventQueue<T extends Timed> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(value: T): void {
    if (!Number.isFinite(value.time)) throw new RangeError(`event time must be finite, got ${value.time}`);
    const heap = this.heap;
    const entry: Entry<T> = { time: value.time, seq: this.seq++, value };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry<T>;
      if (!less(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /** The earliest event without removing it. */
  peek(): T | undefined {
    return this.heap[0]?.value;
  }

  /** Removes and returns the earliest event (the first pushed among equal times). */
  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (!top) return undefined;
    const last = heap.pop() as Entry<T>;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && less(heap[r] as Entry<T>, heap[l] as Entry<T>) ? r : l;
        const c = heap[child] as Entry<T>;
        if (!less(c, last)) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return top.value;
  }
}

function less<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
