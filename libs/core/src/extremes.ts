/**
 * The least and the greatest of an array of any length. `Math.min(...values)` passes every value as
 * an argument on the call stack, which overflows (RangeError) somewhere above ~100,000 of them — a
 * forecast reads three years of quarter-hours (105,000 rows) — so libs/ use these loops instead
 * (test/architecture/no-spread-extremes.spec.ts).
 */

/** As Math.min(...values): Infinity for none, NaN when one is NaN. */
export function minOf(values: readonly number[]): number {
  let m = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < m) m = v;
    else if (v !== v) return Number.NaN;
  }
  return m;
}

/** As Math.max(...values): -Infinity for none, NaN when one is NaN. */
export function maxOf(values: readonly number[]): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > m) m = v;
    else if (v !== v) return Number.NaN;
  }
  return m;
}
