/**
 * Nelder–Mead downhill simplex (Lagarias et al. 1998 coefficients: reflection 1, expansion 2,
 * contraction ½, shrink ½). Deterministic: the start simplex is `x0` plus `step` along each axis.
 */
export interface NelderMeadOptions {
  /** initial step along each coordinate (default 0.5). */
  step?: number | readonly number[];
  /** maximum number of function evaluations (default 200 × dimension). */
  maxEvaluations?: number;
  /** stop when the spread of the simplex values is below this (relative to |best| + 1e-12). */
  tolerance?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
}

export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], o: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  const maxEval = o.maxEvaluations ?? 200 * n;
  const tol = o.tolerance ?? 1e-7;
  const stepOf = (i: number): number => (typeof o.step === 'number' ? o.step : (o.step?.[i] ?? 0.5));
  let evaluations = 0;
  const value = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: value(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] += stepOf(i);
    simplex.push({ x, v: value(x) });
  }
  const combine = (a: readonly number[], b: readonly number[], t: number): number[] => a.map((ai, i) => ai + t * (b[i] - ai));
  while (evaluations < maxEval) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.v - best.v) <= tol * (Math.abs(best.v) + 1e-12)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += simplex[k].x[i] / n;
    // reflection: centroid + (centroid − worst)
    const xr = combine(centroid, worst.x, -1);
    const vr = value(xr);
    if (vr < best.v) {
      const xe = combine(centroid, worst.x, -2);
      const ve = value(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
      continue;
    }
    if (vr < simplex[n - 1].v) {
      simplex[n] = { x: xr, v: vr };
      continue;
    }
    // contraction (outside if the reflected point is better than the worst, inside otherwise)
    const outside = vr < worst.v;
    const xc = outside ? combine(centroid, worst.x, -0.5) : combine(centroid, worst.x, 0.5);
    const vc = value(xc);
    if (vc < (outside ? vr : worst.v)) {
      simplex[n] = { x: xc, v: vc };
      continue;
    }
    // shrink toward the best vertex
    simplex = simplex.map((p, k) => {
      if (k === 0) return p;
      const x = combine(best.x, p.x, 0.5);
      return { x, v: value(x) };
    });
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0].x, value: simplex[0].v, evaluations };
}
