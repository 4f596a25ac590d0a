/** Forecast accuracy metrics. All ignore pairs whose actual is not finite. */

export interface AccuracyMetrics {
  /** Σ|e| / Σy, in percent. */
  wape: number;
  /** mean |e|/y over points with y > 0, in percent. */
  mape: number;
  /** mean |e| / scale (scale: in-sample MAE of the weekly seasonal naive). */
  mase: number;
  rmse: number;
  /** number of scored points. */
  n: number;
}

/** Accumulates errors so that metrics can be pooled over several origins (each with its own MASE scale). */
export class MetricsAccumulator {
  private absErr = 0;
  private sumY = 0;
  private ape = 0;
  private apeN = 0;
  private scaled = 0;
  private sq = 0;
  private n = 0;

  add(actual: readonly number[], forecast: readonly number[], maseScale = Number.NaN): void {
    if (actual.length !== forecast.length) throw new Error('actual and forecast lengths differ');
    for (let i = 0; i < actual.length; i++) {
      const y = actual[i];
      const f = forecast[i];
      if (!Number.isFinite(y) || !Number.isFinite(f)) continue;
      const e = Math.abs(y - f);
      this.absErr += e;
      this.sumY += y;
      if (y > 0) {
        this.ape += e / y;
        this.apeN++;
      }
      this.scaled += e / maseScale;
      this.sq += e * e;
      this.n++;
    }
  }

  result(): AccuracyMetrics {
    return {
      wape: (100 * this.absErr) / this.sumY,
      mape: (100 * this.ape) / this.apeN,
      mase: this.scaled / this.n,
      rmse: Math.sqrt(this.sq / this.n),
      n: this.n,
    };
  }
}

export function wape(actual: readonly number[], forecast: readonly number[]): number {
  const m = new MetricsAccumulator();
  m.add(actual, forecast);
  return m.result().wape;
}

export function accuracy(actual: readonly number[], forecast: readonly number[], maseScale = Number.NaN): AccuracyMetrics {
  const m = new MetricsAccumulator();
  m.add(actual, forecast, maseScale);
  return m.result();
}

/** In-sample MAE of the seasonal naive forecast y[t] = y[t - period]. */
export function seasonalNaiveMae(series: readonly number[], period: number): number {
  let s = 0;
  let n = 0;
  for (let t = period; t < series.length; t++) {
    const e = Math.abs(series[t] - series[t - period]);
    if (Number.isFinite(e)) {
      s += e;
      n++;
    }
  }
  return s / n;
}
