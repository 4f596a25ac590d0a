import { dayOfWeek, monthPositionKey } from './calendar.js';
import { afterClosureKeys, dayTotal, daysPerWeek, type DaySeries } from './day-series.js';
import { maxOf } from '../../core/src/extremes.js';

/** A week-ahead model: from a history, forecast every slot of each target date. */
export interface WeekAheadModel {
  readonly name: string;
  forecast(history: DaySeries, targetDates: readonly string[]): number[][];
}

/** Indices of the last `k` history days with the same weekday as `date` (most recent first). */
function sameDowIndices(history: DaySeries, date: string, k: number, skipImputed = false): number[] {
  const dow = dayOfWeek(date);
  const out: number[] = [];
  for (let i = history.dates.length - 1; i >= 0 && out.length < k; i--) {
    if (dayOfWeek(history.dates[i]) !== dow) continue;
    if (skipImputed && history.imputed[i]) continue;
    out.push(i);
  }
  return out;
}

/** Mean of the same slot over the last `weeks` weeks (weeks = 1: weekly seasonal naive). */
export function sameSlotMean(weeks: number): WeekAheadModel {
  return {
    name: weeks === 1 ? 'weekly seasonal naive' : `mean of same slot, last ${weeks} weeks`,
    forecast(history, targetDates) {
      return targetDates.map((date) => {
        const idx = sameDowIndices(history, date, weeks);
        const out = new Array<number>(history.slotsPerDay).fill(0);
        for (const i of idx) for (let s = 0; s < out.length; s++) out[s] += history.values[i][s] / idx.length;
        return out;
      });
    },
  };
}

/** Exponentially weighted mean of the same slot over past weeks (half-life in weeks). */
export function ewmaSameSlot(halfLifeWeeks: number, maxWeeks = 52): WeekAheadModel {
  return {
    name: `EWMA of same slot, half-life ${halfLifeWeeks} weeks`,
    forecast(history, targetDates) {
      return targetDates.map((date) => {
        const idx = sameDowIndices(history, date, maxWeeks);
        const out = new Array<number>(history.slotsPerDay).fill(0);
        let wsum = 0;
        idx.forEach((i, k) => {
          const w = Math.pow(0.5, k / halfLifeWeeks);
          wsum += w;
          for (let s = 0; s < out.length; s++) out[s] += w * history.values[i][s];
        });
        return out.map((v) => v / wsum);
      });
    },
  };
}

export interface LevelProfileOptions {
  /** half-life (in active days) of the robust exponentially weighted daily level. */
  levelHalfLifeDays?: number;
  /** Huber-style clip of level updates, in units of the running mean absolute deviation. */
  clip?: number;
  /** weeks of history used for the intraday profile of each weekday. */
  profileWeeks?: number;
  /** half-width (slots) of the triangular smoothing of profiles; 0 = none. */
  profileSmoothing?: number;
  /** learn month-turn effects (first three and last business days of a month). */
  monthEffects?: boolean;
  /** pseudo-count shrinking each month-turn factor toward 1. */
  monthShrink?: number;
  /** shrink the month-turn factors toward their pooled mean instead of toward 1. */
  monthShrinkToPooled?: boolean;
  /** trimmed fraction (each side) in the weekday-factor means. */
  trim?: number;
  /** half-width in days of the centred window giving the local level for month effects. */
  localWindow?: number;
  /** extra robust EWMA levels mixed with the main one: final level = Σ weight·level (main level gets 1 − Σ weights). */
  levelMix?: readonly { halfLifeDays: number; weight: number }[];
  /** half-life (weeks) of the exponential weights of past days in the intraday profile; default: equal weights. */
  profileHalfLifeWeeks?: number;
  /** weekday profiles average the daily shares of each slot as a power mean, (Σ w·share^p / Σ w)^(1/p):
   * 0.5 averages square roots (variance-stabilised for Poisson counts), which lowers slots whose share
   * varies a lot from day to day; default 1 = the plain mean. */
  profilePower?: number;
  /** hierarchical profile for fine slots: share of each group of `profileGroup` slots from the last
   * `profileWeeks` weeks, split within the group by the smoothed shape of the last `shareWeeks` weeks. */
  profileGroup?: number;
  shareWeeks?: number;
  /** with `profileGroup`: the within-group split shape is pooled over all weekdays (the last
   * `shareWeeks` × days-per-week typical days) instead of taken from the weekday itself — the split
   * within a half-hour hardly differs between weekdays, and pooling removes most of its Poisson noise. */
  shareAllWeekdays?: boolean;
  /** candidate profile windows (weeks); when given, each weekday uses the one whose profiles best
   * predicted the shape of its last `profileSelectionWeeks` days (profile drift is learned per weekday). */
  profileWeeksCandidates?: readonly number[];
  profileSelectionWeeks?: number;
  /** relative error reduction a shorter profile window must achieve over the longer ones (default 0). */
  profileSelectionTolerance?: number;
  /** leave out of the profiles the days whose total differs by more than this fraction from the
   * median of the neighbouring same-weekday days (default: keep all). */
  profileBand?: number;
  /** weeks of history used for the weekday factors (default: all). */
  dowWeeks?: number;
  /** learn a factor for each of the first `afterClosureDays` active days after a closed active day
   * (absent, or imputed as an outlier) — the backlog of the closed day — and divide it out of the
   * history before the level and the other factors are estimated (default 0 = off). */
  afterClosureDays?: number;
  /** month-turn days (F1–F3, L0) get their own intraday shape: the weekday profile times a slot
   * adjustment learned from past typical month-turn days (ratio of their shares to their weekday's
   * profile, smoothed over ±`monthTurnProfileSmoothing` slots — default half an hour, at least 1),
   * shrunk toward 1 with this pseudo-count of days. Undefined = off. */
  monthTurnProfileShrink?: number;
  monthTurnProfileSmoothing?: number;
}

export interface LevelProfileFit {
  level: number;
  dowFactor: number[];
  monthFactor: Map<string, number>;
  /** learned factors of the active days after a closure (`A1` = first open day after it, …). */
  afterClosureFactor: Map<string, number>;
  /** normalised intraday profile per weekday (0 = Sunday); empty array for inactive weekdays. */
  profile: number[][];
  /** forecast daily totals per target date. */
  dailyTotals: number[];
  /** normalised intraday profile per target date (the weekday profile, adjusted on month-turn days). */
  targetProfiles: number[][];
  /** slot adjustment of the month-turn days' shape (empty when off). */
  monthTurnAdjustment: number[];
  /** profile window (weeks) used per weekday. */
  profileWeeksChosen: number[];
  /** learned calendar factor (month turn × after closure) of each history day (1 where none applies). */
  historyCalendarFactors: number[];
  /** learned month-turn factor of each target date. */
  targetCalendarFactors: number[];
}

function median(a: readonly number[]): number {
  const b = [...a].sort((x, y) => x - y);
  const n = b.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? b[n >> 1] : (b[n / 2 - 1] + b[n / 2]) / 2;
}

function trimmedMean(a: readonly number[], q: number): number {
  const b = [...a].sort((x, y) => x - y);
  const k = Math.floor(b.length * q);
  const c = b.slice(k, b.length - k);
  return c.length ? c.reduce((x, y) => x + y, 0) / c.length : Number.NaN;
}

/** Robust (Huber-clipped) exponentially weighted mean of `x`, half-life `hl` observations. */
function robustEwma(x: readonly number[], hl: number, clip: number, P: number): number {
  const a = 1 - Math.pow(0.5, 1 / hl);
  let level = median(x.slice(0, Math.min(x.length, 2 * P)));
  let dev = 0.04 * level;
  for (const v of x) {
    const lo = level - clip * dev * 1.25;
    const hi = level + clip * dev * 1.25;
    const vc = Math.min(Math.max(v, lo), hi);
    dev = (1 - a) * dev + a * Math.abs(vc - level);
    level = (1 - a) * level + a * vc;
  }
  return level;
}

/** Triangular smoothing over ±bw slots (bw = 0: unchanged). */
function smoothProfile(p: readonly number[], bw: number): number[] {
  if (bw <= 0) return p.slice();
  const S = p.length;
  const sm = new Array<number>(S).fill(0);
  for (let s = 0; s < S; s++) {
    let z = 0;
    let ws = 0;
    for (let j = -bw; j <= bw; j++) {
      const t = s + j;
      if (t < 0 || t >= S) continue;
      const w = bw + 1 - Math.abs(j);
      z += w * p[t];
      ws += w;
    }
    sm[s] = z / ws;
  }
  return sm;
}

const monthKeyCache = new Map<string, string>();
function monthKey(date: string, business: readonly boolean[]): string {
  const ck = date + business.map((b) => (b ? '1' : '0')).join('');
  let v = monthKeyCache.get(ck);
  if (v === undefined) {
    v = monthPositionKey(date, business);
    monthKeyCache.set(ck, v);
  }
  return v;
}

/**
 * Level × weekday factor × month-turn factor × intraday profile.
 * The daily level is a robust exponentially weighted mean of deseasonalised daily totals; weekday
 * factors (trimmed means over all history) and month-turn factors (shrunk means of the ratio to a
 * centred local median) are learned from the data; the intraday profile of each weekday is
 * averaged over many weeks, because the shape is stable and averaging removes Poisson noise.
 */
export function fitLevelProfile(history: DaySeries, targetDates: readonly string[], o: LevelProfileOptions = {}): LevelProfileFit {
  const hl = o.levelHalfLifeDays ?? 8;
  const clip = o.clip ?? 1;
  const profileWeeks = o.profileWeeks ?? 30;
  const bw = o.profileSmoothing ?? 0;
  const useMonth = o.monthEffects ?? true;
  const mShrink = o.monthShrink ?? 1;
  const trim = o.trim ?? 0.2;
  const win = o.localWindow ?? 10;
  const dowWeeks = o.dowWeeks ?? Infinity;
  const n = history.dates.length;
  const P = daysPerWeek(history);
  const S = history.slotsPerDay;
  if (n < P) throw new Error('level-profile needs at least one week of history');
  const T = history.values.map(dayTotal);
  const dows = history.dates.map(dayOfWeek);
  const real = history.imputed.map((b) => !b);

  let dowFactor = new Array<number>(7).fill(1);
  let monthFactor = new Map<string, number>();
  let afterFactor = new Map<string, number>();
  const mf = (key: string): number => (useMonth ? (monthFactor.get(key) ?? 1) : 1);
  // position after a closure: `A1` = first active day after one or more absent active days, …
  const afterDays = o.afterClosureDays ?? 0;
  const afterKeys = afterClosureKeys(history.imputed, afterDays).keys;
  const af = (i: number): number => (afterKeys[i] ? (afterFactor.get(afterKeys[i]) ?? 1) : 1);
  let keys: string[] = [];
  let targetKeys: string[] = [];
  /** calendar factor of history day i (month turn × after closure). */
  const cal = (i: number): number => (keys.length ? mf(keys[i]) : 1) * af(i);
  const useCalendar = useMonth || afterDays > 0;
  const iterations = useCalendar ? 4 : 1;
  /** ratio of each real day's total to its weekday factor × the median deseasonalised total of the ±`win` days around it. */
  const localRatios = (x: readonly number[], keyOf: (i: number) => string, divide: (i: number) => number, lo: number, hi: number): Map<string, number[]> => {
    const res = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const k = keyOf(i);
      if (!real[i] || !k || !(dowFactor[dows[i]] > 0)) continue;
      const w: number[] = [];
      for (let j = Math.max(0, i - win); j <= Math.min(n - 1, i + win); j++) if (j !== i && real[j] && Number.isFinite(x[j])) w.push(x[j]);
      if (w.length < 3) continue;
      const r = T[i] / (dowFactor[dows[i]] * divide(i) * median(w));
      const list = res.get(k) ?? [];
      list.push(Math.min(Math.max(r, lo), hi));
      res.set(k, list);
    }
    return res;
  };
  const shrunk = (rs: readonly number[], toward = 1): number => (rs.reduce((a, b) => a + b, 0) + mShrink * toward) / (rs.length + mShrink);
  for (let it = 0; it < iterations; it++) {
    // weekday factors: ratios to the mean of their week (blocks of P days aligned to the end)
    const ratios: number[][] = Array.from({ length: 7 }, () => []);
    for (let k = 1; k * P <= n && k <= dowWeeks; k++) {
      const b = n - P * k;
      let wm = 0;
      for (let j = b; j < b + P; j++) wm += T[j] / cal(j);
      wm /= P;
      if (wm <= 0) continue;
      for (let j = b; j < b + P; j++) if (real[j]) ratios[dows[j]].push(T[j] / cal(j) / wm);
    }
    dowFactor = ratios.map((r) => (r.length ? trimmedMean(r, trim) : 1));
    const act = history.activeDows.map((a, d) => (a ? dowFactor[d] : 0));
    const mean = act.reduce((x, y) => x + y, 0) / P;
    dowFactor = dowFactor.map((f, d) => (history.activeDows[d] ? f / mean : 0));
    if (!useCalendar) break;
    if (it === 0) {
      const maxF = maxOf(dowFactor);
      const business = dowFactor.map((f) => f >= 0.5 * maxF);
      keys = history.dates.map((d) => monthKey(d, business));
      targetKeys = targetDates.map((d) => monthKey(d, business));
    }
    const x = T.map((t, i) => (dowFactor[dows[i]] > 0 ? t / (dowFactor[dows[i]] * cal(i)) : Number.NaN));
    if (useMonth) {
      // month-turn factors from ratios to a centred local median of deseasonalised totals
      const res = localRatios(x, (i) => (keys[i] === 'other' ? '' : keys[i]), af, 0.8, 1.25);
      const next = new Map<string, number>();
      // month-turn keys are shrunk toward their pooled mean (they share most of the effect), or toward 1
      const turn = [...res].filter(([k]) => k !== 'mid').flatMap(([, rs]) => rs);
      const pooled = o.monthShrinkToPooled && turn.length ? turn.reduce((a, b) => a + b, 0) / turn.length : 1;
      for (const [k, rs] of res) next.set(k, shrunk(rs, k === 'mid' ? 1 : pooled));
      let z = 0;
      let zn = 0;
      for (let i = 0; i < n; i++) {
        const v = next.get(keys[i]);
        if (v !== undefined) {
          z += v;
          zn++;
        }
      }
      z = zn ? z / zn : 1;
      for (const k of next.keys()) next.set(k, next.get(k)! / z);
      monthFactor = next;
    }
    if (afterDays > 0) {
      // after-closure factors: same ratios, for the first active days after a closure
      const res = localRatios(x, (i) => afterKeys[i], (i) => mf(keys[i]), 0.67, 1.5);
      afterFactor = new Map([...res].map(([k, rs]) => [k, shrunk(rs)]));
    }
  }

  // robust EWMA of the deseasonalised daily totals (imputed days skipped)
  const x: number[] = [];
  for (let i = 0; i < n; i++) if (real[i] && dowFactor[dows[i]] > 0) x.push(T[i] / (dowFactor[dows[i]] * cal(i)));
  const mix = o.levelMix ?? [];
  let level = (1 - mix.reduce((acc, m) => acc + m.weight, 0)) * robustEwma(x, hl, clip, P);
  for (const m of mix) level += m.weight * robustEwma(x, m.halfLifeDays, clip, P);

  // intraday profiles per weekday
  const group = o.profileGroup ?? 1;
  const shareWeeks = o.shareWeeks ?? profileWeeks;
  const phl = o.profileHalfLifeWeeks ?? Infinity;
  /** Σ over the last `weeks` real days of weekday d before day `end` of values / day total. */
  // days whose total is far from the median of the neighbouring same-weekday days (holidays, eves,
  // outages) have atypical shapes too: leave them out of the profiles
  const band = o.profileBand ?? Infinity;
  const typical = real.slice();
  if (Number.isFinite(band)) {
    for (let d = 0; d < 7; d++) {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) if (dows[i] === d && real[i]) idx.push(i);
      idx.forEach((i, k) => {
        const nb = idx.slice(Math.max(0, k - 4), k).concat(idx.slice(k + 1, k + 5)).map((j) => T[j]);
        if (nb.length < 2) return;
        const m = median(nb);
        if (T[i] < (1 - band) * m || T[i] > (1 + band) * m) typical[i] = false;
      });
    }
  }
  const power = o.profilePower ?? 1;
  const rawProfile = (d: number, end: number, weeks: number, halfLife: number): number[] => {
    const p = new Array<number>(S).fill(0);
    let used = 0;
    let wsum = 0;
    for (let i = end - 1; i >= 0 && used < weeks; i--) {
      if (dows[i] !== d || !typical[i] || T[i] <= 0) continue;
      const w = Number.isFinite(halfLife) ? Math.pow(0.5, used / halfLife) : 1;
      if (power === 1) for (let s = 0; s < S; s++) p[s] += (w * history.values[i][s]) / T[i];
      else for (let s = 0; s < S; s++) p[s] += w * Math.pow(Math.max(0, history.values[i][s]) / T[i], power);
      used++;
      wsum += w;
    }
    // power mean, scaled back to a sum of shares like the plain path (profiles are normalised later)
    if (power !== 1 && wsum > 0) for (let s = 0; s < S; s++) p[s] = wsum * Math.pow(p[s] / wsum, 1 / power);
    return p;
  };
  /** Σ of the shares of the last `weeks` × P typical days of any weekday before day `end`. */
  const pooledShapes = new Map<number, number[]>();
  const pooledRawProfile = (end: number, weeks: number): number[] => {
    let p = pooledShapes.get(end);
    if (p) return p;
    p = new Array<number>(S).fill(0);
    let used = 0;
    for (let i = end - 1; i >= 0 && used < weeks * P; i--) {
      if (!typical[i] || T[i] <= 0) continue;
      for (let s = 0; s < S; s++) p[s] += history.values[i][s] / T[i];
      used++;
    }
    pooledShapes.set(end, p);
    return p;
  };
  const buildProfile = (d: number, end: number, weeks: number): number[] => {
    let p = rawProfile(d, end, weeks, phl);
    if (group > 1) {
      const rawShape = o.shareAllWeekdays ? pooledRawProfile(end, shareWeeks) : shareWeeks === weeks && !Number.isFinite(phl) ? p : rawProfile(d, end, shareWeeks, Infinity);
      const shape = smoothProfile(rawShape, bw);
      const q = new Array<number>(S).fill(0);
      for (let g = 0; g < S; g += group) {
        const e = Math.min(S, g + group);
        let coarse = 0;
        let fine = 0;
        for (let s = g; s < e; s++) {
          coarse += p[s];
          fine += shape[s];
        }
        for (let s = g; s < e; s++) q[s] = fine > 0 ? (coarse * shape[s]) / fine : coarse / (e - g);
      }
      p = q;
    } else p = smoothProfile(p, bw);
    const tot = dayTotal(p);
    return tot > 0 ? p.map((v) => v / tot) : p;
  };
  const profile: number[][] = [];
  const profileWeeksChosen = new Array<number>(7).fill(0);
  const candidates = o.profileWeeksCandidates ?? [];
  const selWeeks = o.profileSelectionWeeks ?? 8;
  const tol = o.profileSelectionTolerance ?? 0;
  for (let d = 0; d < 7; d++) {
    if (!history.activeDows[d]) {
      profile.push([]);
      continue;
    }
    let weeks = profileWeeks;
    if (candidates.length > 1) {
      // per weekday, the window whose profile best predicted the shape of the last `selWeeks` such days
      const days: number[] = [];
      for (let i = n - 1; i >= 0 && days.length < selWeeks; i--) if (dows[i] === d && typical[i] && T[i] > 0) days.push(i);
      // the longest window is the reference; a shorter one must beat the best so far by `tol`
      const ordered = [...candidates].sort((a, b) => b - a);
      let best = Infinity;
      for (const w of ordered) {
        let err = 0;
        for (const i of days) {
          const p = buildProfile(d, i, w);
          for (let s = 0; s < S; s++) err += Math.abs(history.values[i][s] - T[i] * p[s]);
        }
        if (err < (Number.isFinite(best) ? (1 - tol) * best : best)) {
          best = err;
          weeks = w;
        }
      }
    }
    profileWeeksChosen[d] = weeks;
    profile.push(buildProfile(d, n, weeks));
  }
  const dailyTotals = targetDates.map((date, j) => level * dowFactor[dayOfWeek(date)] * mf(targetKeys[j] ?? 'mid'));

  // month-turn days have their own intraday shape (at a bank: more calls early in the day)
  const isTurn = (key: string | undefined): boolean => key !== undefined && key !== 'mid' && key !== 'other';
  let monthTurnAdjustment: number[] = [];
  if (useMonth && o.monthTurnProfileShrink !== undefined) {
    const num = new Array<number>(S).fill(0);
    const den = new Array<number>(S).fill(0);
    let days = 0;
    for (let i = 0; i < n; i++) {
      if (!typical[i] || T[i] <= 0 || !isTurn(keys[i]) || profile[dows[i]].length === 0) continue;
      for (let s = 0; s < S; s++) {
        num[s] += history.values[i][s] / T[i];
        den[s] += profile[dows[i]][s];
      }
      days++;
    }
    if (days > 0) {
      const bwTurn = o.monthTurnProfileSmoothing ?? Math.max(1, Math.round(30 / history.intervalMinutes));
      const ns = smoothProfile(num, bwTurn);
      const ds = smoothProfile(den, bwTurn);
      const c = o.monthTurnProfileShrink;
      monthTurnAdjustment = ns.map((v, s) => (ds[s] > 0 ? (days * (v / ds[s]) + c) / (days + c) : 1));
    }
  }
  const targetProfiles = targetDates.map((date, j) => {
    const p = profile[dayOfWeek(date)];
    if (monthTurnAdjustment.length === 0 || !isTurn(targetKeys[j]) || p.length === 0) return p;
    const q = p.map((v, s) => v * monthTurnAdjustment[s]);
    const tot = dayTotal(q);
    return tot > 0 ? q.map((v) => v / tot) : p;
  });
  const historyCalendarFactors = history.dates.map((_, i) => cal(i));
  const targetCalendarFactors = targetDates.map((_, j) => mf(targetKeys[j] ?? 'mid'));
  return { level, dowFactor, monthFactor, afterClosureFactor: afterFactor, profile, dailyTotals, targetProfiles, monthTurnAdjustment, profileWeeksChosen, historyCalendarFactors, targetCalendarFactors };
}

export function levelProfile(o: LevelProfileOptions = {}, name?: string): WeekAheadModel {
  return {
    name: name ?? `level × profile (${JSON.stringify(o)})`,
    forecast(history, targetDates) {
      const fit = fitLevelProfile(history, targetDates, o);
      return targetDates.map((_, j) => fit.targetProfiles[j].map((p) => p * fit.dailyTotals[j]));
    },
  };
}

/** Weighted average of several models' forecasts. */
export function combination(models: readonly WeekAheadModel[], weights?: readonly number[], name?: string): WeekAheadModel {
  const w = weights ?? models.map(() => 1 / models.length);
  return {
    name: name ?? `combination of ${models.map((m) => m.name).join(' + ')}`,
    forecast(history, targetDates) {
      const fs = models.map((m) => m.forecast(history, targetDates));
      return fs[0].map((row, d) => row.map((_, s) => fs.reduce((acc, f, j) => acc + w[j] * f[d][s], 0)));
    },
  };
}
