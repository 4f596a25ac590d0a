import { dayOfWeek, monthPositionKey } from './calendar.js';
import { afterClosureKeys, dayTotal, type DaySeries } from './day-series.js';
import type { WeekAheadModel } from './models.js';
import { maxOf } from '../../core/src/extremes.js';

/**
 * A daily-total model fitted by penalised, robust least squares on the history before the origin:
 *
 *   log T_i = ℓ_i + β_weekday + [month-turn day] (τ_episode + δ_key) + [after a closure] α_key + ε_i
 *
 * - ℓ is a random-walk level (penalty λ·(ℓ_i − ℓ_{i−1})², λ set from the level half-life: the
 *   steady-state Kalman gain of this local-level model equals the EWMA weight of that half-life);
 * - β are weekday effects over all the history (sum zero over the active weekdays);
 * - month-turn days (`F1`–`F3`, `L0`, the keys of `monthPositionKey`) share a pooled effect τ and
 *   keep their own deviation δ (ridge toward 0). One month turn (the last business day of a month and
 *   the first three of the next) is an *episode*; with `turnDriftPenalty` set, τ is a random walk
 *   over episodes (the turn effect may grow or fade over the year), otherwise one τ for all;
 * - α are the effects of the first active days after a closed (imputed) day, the backlog;
 * - Huber weights (iteratively reweighted) keep holidays and outages from moving the fit.
 *
 * The forecast of a target date is exp of the last level plus its effects (no trend: the level is
 * carried flat), i.e. the median of a log-normal daily total, in line with the absolute-error loss.
 */
export interface DailyRegressionOptions {
  /** half-life (active days) that sets the random-walk level penalty (default 8, as the default level). */
  levelHalfLifeDays?: number;
  /** Huber threshold in robust standard deviations of the residuals (default 1, as the default level's clip). */
  huber?: number;
  /** reweighting iterations (default 5). */
  iterations?: number;
  /** pseudo-count (days) shrinking the pooled month-turn effect toward 0 (default 1). */
  turnShrink?: number;
  /** pseudo-count (days) shrinking each month-turn key's deviation from the pooled effect (default 4). */
  turnKeyShrink?: number;
  /** penalty (in days of data) on the change of the pooled month-turn effect from one episode to the
   * next; undefined = one effect for all episodes. */
  turnDriftPenalty?: number;
  /** learn effects for this many active days after a closure (default 2). */
  afterClosureDays?: number;
  /** pseudo-count (days) shrinking each after-closure effect toward 0 (default 1). */
  afterClosureShrink?: number;
}

export interface DailyRegressionFit {
  /** log level of each history day. */
  level: number[];
  /** log weekday effects (0 = Sunday; 0 for inactive weekdays). */
  dowEffect: number[];
  /** pooled log month-turn effect of each episode (one entry, labelled with the first episode, when the effect is static). */
  turnEffect: number[];
  /** episode label (`YYYY-MM`, the month of the F days) of each entry of `turnEffect`. */
  turnEpisodes: string[];
  /** log deviation of each month-turn key from the pooled effect. */
  keyEffect: Map<string, number>;
  /** log effect of the `A1`, `A2`, … days after a closure. */
  afterClosureEffect: Map<string, number>;
  /** final robust weight of each history day (0 where the day carries no data). */
  weights: number[];
  /** forecast daily totals of the target dates. */
  dailyTotals: number[];
}

const TURN_KEYS = ['F1', 'F2', 'F3', 'L0'] as const;

/** The month turn a key belongs to: F days to their own month, the last business day to the next. */
function episodeOf(date: string, key: string): string | undefined {
  if (key.startsWith('F')) return date.slice(0, 7);
  if (key !== 'L0') return undefined;
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The steady-state Kalman gain of a local-level model is 1 − 0.5^(1/hl) when q = σ²_level/σ²_obs = x²/(1+x), x = K/(1−K). */
function randomWalkPenalty(halfLifeDays: number): number {
  const k = 1 - Math.pow(0.5, 1 / halfLifeDays);
  const x = k / (1 - k);
  return (1 + x) / (x * x);
}

/** Solves A θ = b for a symmetric positive-definite A (Cholesky, in place on copies). */
function solveSpd(a: number[][], b: number[]): number[] {
  const p = b.length;
  const l = a.map((row) => row.slice());
  for (let j = 0; j < p; j++) {
    let d = l[j][j];
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k];
    if (!(d > 0)) throw new Error('daily regression: normal equations are not positive definite');
    const djj = Math.sqrt(d);
    l[j][j] = djj;
    for (let i = j + 1; i < p; i++) {
      let s = l[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / djj;
    }
  }
  const z = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * z[k];
    z[i] = s / l[i][i];
  }
  const x = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

function median(a: readonly number[]): number {
  const b = [...a].sort((x, y) => x - y);
  const n = b.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? b[n >> 1] : (b[n / 2 - 1] + b[n / 2]) / 2;
}

/** Fits the daily-total regression on `history` (nothing else is read) and forecasts the totals of `targetDates`. */
export function fitDailyRegression(history: DaySeries, targetDates: readonly string[], o: DailyRegressionOptions = {}): DailyRegressionFit {
  const n = history.dates.length;
  if (n < 2) throw new Error('daily regression needs at least two days of history');
  const lambda = randomWalkPenalty(o.levelHalfLifeDays ?? 8);
  const huber = o.huber ?? 1;
  const iterations = o.iterations ?? 5;
  const turnShrink = o.turnShrink ?? 1;
  const keyShrink = o.turnKeyShrink ?? 4;
  const afterDays = o.afterClosureDays ?? 2;
  const afterShrink = o.afterClosureShrink ?? 1;
  const drifting = o.turnDriftPenalty !== undefined;

  const T = history.values.map(dayTotal);
  const dows = history.dates.map(dayOfWeek);
  const hasData = T.map((t, i) => !history.imputed[i] && t > 0 && Number.isFinite(t));
  const y = T.map((t, i) => (hasData[i] ? Math.log(t) : 0));

  // business weekdays (for the month-turn keys): mean total at least half the busiest weekday's
  const sum = new Array<number>(7).fill(0);
  const cnt = new Array<number>(7).fill(0);
  T.forEach((t, i) => {
    if (!hasData[i]) return;
    sum[dows[i]] += t;
    cnt[dows[i]]++;
  });
  const meanDow = sum.map((s, d) => (cnt[d] ? s / cnt[d] : 0));
  const maxDow = maxOf(meanDow);
  const business = meanDow.map((m, d) => history.activeDows[d] && m >= 0.5 * maxDow);
  const keys = history.dates.map((d) => monthPositionKey(d, business));
  const targetKeys = targetDates.map((d) => monthPositionKey(d, business));

  // month-turn episodes seen in the history, in time order
  const episodes: string[] = [];
  const episodeIdx = keys.map((k, i) => {
    const e = episodeOf(history.dates[i], k);
    if (e === undefined) return -1;
    if (!drifting) {
      if (episodes.length === 0) episodes.push(e);
      return 0;
    }
    if (episodes[episodes.length - 1] !== e) episodes.push(e);
    return episodes.length - 1;
  });

  // days after a closure: `A1` = first active day after one or more imputed days, …
  const { keys: afterKeys, sinceLast: sinceAtEnd } = afterClosureKeys(history.imputed, afterDays);

  // parameter layout: levels | weekday effects | pooled turn effect per episode | key deviations | after-closure effects
  const E = Math.max(1, episodes.length);
  const oDow = n;
  const oTurn = oDow + 7;
  const oKey = oTurn + E;
  const oAfter = oKey + TURN_KEYS.length;
  const p = oAfter + afterDays;
  const keyCol = (k: string): number => TURN_KEYS.indexOf(k as (typeof TURN_KEYS)[number]);
  const columns = (i: number): number[] => {
    const c = [i, oDow + dows[i]];
    if (episodeIdx[i] >= 0) c.push(oTurn + episodeIdx[i], oKey + keyCol(keys[i]));
    if (afterKeys[i]) c.push(oAfter + Number(afterKeys[i].slice(1)) - 1);
    return c;
  };

  const weights = hasData.map((h): number => (h ? 1 : 0));
  let theta = new Array<number>(p).fill(0);
  for (let it = 0; it < iterations; it++) {
    const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const b = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      if (!(weights[i] > 0)) continue;
      const c = columns(i);
      for (const r of c) {
        b[r] += weights[i] * y[i];
        for (const s of c) a[r][s] += weights[i];
      }
    }
    const penalise = (u: number, v: number | undefined, k: number): void => {
      // k·(θ_u − θ_v)², or k·θ_u² when v is undefined
      a[u][u] += k;
      if (v === undefined) return;
      a[v][v] += k;
      a[u][v] -= k;
      a[v][u] -= k;
    };
    for (let i = 1; i < n; i++) penalise(i, i - 1, lambda);
    // weekday effects sum to zero over the active weekdays (the level carries the mean); inactive ones stay 0
    const active = [0, 1, 2, 3, 4, 5, 6].filter((d) => history.activeDows[d]);
    const big = 1e4;
    for (const r of active) for (const s of active) a[oDow + r][oDow + s] += big;
    for (let d = 0; d < 7; d++) if (!history.activeDows[d]) a[oDow + d][oDow + d] += 1;
    penalise(oTurn, undefined, turnShrink);
    for (let e = 1; e < E; e++) penalise(oTurn + e, oTurn + e - 1, o.turnDriftPenalty ?? 0);
    for (let k = 0; k < TURN_KEYS.length; k++) penalise(oKey + k, undefined, keyShrink);
    for (let k = 0; k < afterDays; k++) penalise(oAfter + k, undefined, afterShrink);
    theta = solveSpd(a, b);
    // Huber weights from the residuals, scale = 1.4826 × median absolute residual
    const res: number[] = [];
    const r = y.map((v, i) => {
      if (!hasData[i]) return 0;
      const f = columns(i).reduce((acc, c) => acc + theta[c], 0);
      res.push(Math.abs(v - f));
      return v - f;
    });
    const scale = 1.4826 * median(res);
    if (!(scale > 0)) break;
    for (let i = 0; i < n; i++) if (hasData[i]) weights[i] = Math.min(1, (huber * scale) / Math.abs(r[i]));
  }

  const level = theta.slice(0, n);
  const dowEffect = theta.slice(oDow, oDow + 7);
  const turnEffect = theta.slice(oTurn, oTurn + E);
  const keyEffect = new Map(TURN_KEYS.map((k, j) => [k, theta[oKey + j]] as [string, number]));
  const afterClosureEffect = new Map(Array.from({ length: afterDays }, (_, j) => [`A${j + 1}`, theta[oAfter + j]] as [string, number]));
  const last = level[n - 1];
  const dailyTotals = targetDates.map((date, j) => {
    let z = last + dowEffect[dayOfWeek(date)];
    const e = episodeOf(date, targetKeys[j]);
    if (e !== undefined && episodes.length > 0) {
      // a turn seen in the history keeps its own effect; a later one continues the last (random walk)
      const idx = drifting ? episodes.indexOf(e) : 0;
      z += turnEffect[idx >= 0 ? idx : E - 1] + keyEffect.get(targetKeys[j])!;
    }
    const a = sinceAtEnd + j + 1;
    if (a <= afterDays) z += afterClosureEffect.get(`A${a}`)!;
    return Math.exp(z);
  });
  return { level, dowEffect, turnEffect, turnEpisodes: episodes, keyEffect, afterClosureEffect, weights, dailyTotals };
}

/**
 * `base` (a level × profile model) with its daily totals replaced by the regression's, or by
 * `blend` × regression + (1 − blend) × its own: each forecast day is rescaled, so its intraday
 * profile is unchanged.
 */
export function withRegressionTotals(base: WeekAheadModel, o: DailyRegressionOptions = {}, blend = 1, name?: string): WeekAheadModel {
  return {
    name: name ?? `${base.name}, daily totals from a regression (${JSON.stringify(o)}, weight ${blend})`,
    forecast(history, targetDates) {
      const rows = base.forecast(history, targetDates);
      const totals = fitDailyRegression(history, targetDates, o).dailyTotals;
      return rows.map((row, j) => {
        const own = dayTotal(row);
        if (!(own > 0)) return row;
        const target = blend * totals[j] + (1 - blend) * own;
        return row.map((v) => (v * target) / own);
      });
    },
  };
}
