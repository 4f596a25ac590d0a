import { drawWithoutReplacement, seededRandom } from './random.js';

/**
 * An outside auditor's sample: a simple random sample without replacement of `size` answers of a
 * quarter, reproducible from a seed. The frame is ordered by id first, so the same answers and the
 * same seed give the same sample whatever order the database returned them in.
 */
export function auditSample<T extends { id: string }>(frame: readonly T[], size: number, seed: number): T[] {
  const ordered = frame.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return drawWithoutReplacement(ordered, size, seededRandom(seed));
}

/** `2026-Q4` → the local dates [from, to) of that quarter. */
export function quarterRange(quarter: string): { from: string; to: string } {
  const m = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!m) throw new RangeError(`a quarter looks like 2026-Q4 (got "${quarter}")`);
  const year = Number(m[1]);
  const q = Number(m[2]);
  const month = (q - 1) * 3 + 1;
  const pad = (n: number) => String(n).padStart(2, '0');
  const to = q === 4 ? `${year + 1}-01-01` : `${year}-${pad(month + 3)}-01`;
  return { from: `${year}-${pad(month)}-01`, to };
}
