import { dayOfWeek, monthPositionKey } from './calendar.js';
import { dayTotal, daysPerWeek, type DaySeries } from './day-series.js';

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
  /** trimmed fraction (each side) in the weekday-factor means. */
  trim?: number;
  /** half-width in days of the centred window giving the local level for month effects. */
  localWindow?: number;
  /** extra robust EWMA levels mixed with the main one: final level = Σ weight·level (main level gets 1 − Σ weights). */
  levelMix?: readonly { halfLifeDays: number; weight: number }[];
  /** half-life (weeks) of the exponential weights of past days in the intraday profile; default: equal weights. */
  profileHalfLifeWeeks?: number;
  /** hierarchical profile for fine slots: share of each group of `profileGroup` slots from the last
   * `profileWeeks` weeks, split within the group by the smoothed shape of the last `shareWeeks` weeks. */
  profileGroup?: number;
  shareWeeks?: number;
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
}

export interface LevelProfileFit {
  level: number;
  dowFactor: number[];
  monthFactor: Map<string, number>;
  /** normalised intraday profile per weekday (0 = Sunday); empty array for inactive weekdays. */
  profile: number[][];
  /** forecast daily totals per target date. */
  dailyTotals: number[];
  /** profile window (weeks) used per weekday. */
  profileWeeksChosen: number[];
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
  const mf = (key: string): number => (useMonth ? (monthFactor.get(key) ?? 1) : 1);
  let keys: string[] = [];
  let targetKeys: string[] = [];
  const iterations = useMonth ? 4 : 1;
  for (let it = 0; it < iterations; it++) {
    // weekday factors: ratios to the mean of their week (blocks of P days aligned to the end)
    const ratios: number[][] = Array.from({ length: 7 }, () => []);
    for (let k = 1; k * P <= n && k <= dowWeeks; k++) {
      const b = n - P * k;
      let wm = 0;
      for (let j = b; j < b + P; j++) wm += T[j] / (it ? mf(keys[j]) : 1);
      wm /= P;
      if (wm <= 0) continue;
      for (let j = b; j < b + P; j++) if (real[j]) ratios[dows[j]].push(T[j] / (it ? mf(keys[j]) : 1) / wm);
    }
    dowFactor = ratios.map((r) => (r.length ? trimmedMean(r, trim) : 1));
    const act = history.activeDows.map((a, d) => (a ? dowFactor[d] : 0));
    const mean = act.reduce((x, y) => x + y, 0) / P;
    dowFactor = dowFactor.map((f, d) => (history.activeDows[d] ? f / mean : 0));
    if (!useMonth) break;
    if (it === 0) {
      const maxF = Math.max(...dowFactor);
      const business = dowFactor.map((f) => f >= 0.5 * maxF);
      keys = history.dates.map((d) => monthKey(d, business));
      targetKeys = targetDates.map((d) => monthKey(d, business));
    }
    // month-turn factors from ratios to a centred local median of deseasonalised totals
    const x = T.map((t, i) => (dowFactor[dows[i]] > 0 ? t / (dowFactor[dows[i]] * mf(keys[i])) : Number.NaN));
    const res = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      if (!real[i] || keys[i] === 'other' || !(dowFactor[dows[i]] > 0)) continue;
      const w: number[] = [];
      for (let j = Math.max(0, i - win); j <= Math.min(n - 1, i + win); j++) if (j !== i && real[j] && Number.isFinite(x[j])) w.push(x[j]);
      if (w.length < 3) continue;
      const r = T[i] / (dowFactor[dows[i]] * median(w));
      const list = res.get(keys[i]) ?? [];
      list.push(Math.min(Math.max(r, 0.8), 1.25));
      res.set(keys[i], list);
    }
    const next = new Map<string, number>();
    for (const [k, rs] of res) next.set(k, (rs.reduce((a, b) => a + b, 0) + mShrink) / (rs.length + mShrink));
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

  // robust EWMA of the deseasonalised daily totals (imputed days skipped)
  const x: number[] = [];
  for (let i = 0; i < n; i++) if (real[i] && dowFactor[dows[i]] > 0) x.push(T[i] / (dowFactor[dows[i]] * mf(keys[i] ?? 'mid')));
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
  const rawProfile = (d: number, end: number, weeks: number, halfLife: number): number[] => {
    const p = new Array<number>(S).fill(0);
    let used = 0;
    for (let i = end - 1; i >= 0 && used < weeks; i--) {
      if (dows[i] !== d || !typical[i] || T[i] <= 0) continue;
      const w = Number.isFinite(halfLife) ? Math.pow(0.5, used / halfLife) : 1;
      for (let s = 0; s < S; s++) p[s] += (w * history.values[i][s]) / T[i];
      used++;
    }
    return p;
  };
  const buildProfile = (d: number, end: number, weeks: number): number[] => {
    let p = rawProfile(d, end, weeks, phl);
    if (group > 1) {
      const shape = smoothProfile(shareWeeks === weeks && !Number.isFinite(phl) ? p : rawProfile(d, end, shareWeeks, Infinity), bw);
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
  return { level, dowFactor, monthFactor, profile, dailyTotals, profileWeeksChosen };
}

export function levelProfile(o: LevelProfileOptions = {}, name?: string): WeekAheadModel {
  return {
    name: name ?? `level × profile (${JSON.stringify(o)})`,
    forecast(history, targetDates) {
      const fit = fitLevelProfile(history, targetDates, o);
      return targetDates.map((date, j) => fit.profile[dayOfWeek(date)].map((p) => p * fit.dailyTotals[j]));
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
