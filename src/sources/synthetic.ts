/**
 * The fallback when no source is usable: a synthetic value from the router's own recent
 * answers. Three forecasters compete: the last good value decaying towards the recent mean,
 * a local linear trend, and seasonal naive (the value one day earlier). The history picks:
 * each forecaster is back-tested on the last few answers at the same lead time, and the one
 * with the smallest error wins; that error also sets the widening uncertainty.
 */
import type { HistoryPoint, Strategy } from './types';

export const DAY_MS = 86_400_000;
/** Answers back-tested when choosing a forecaster. */
const BACKTEST_POINTS = 8;
/** Points in the local trend fit. */
const TREND_POINTS = 6;

export interface SyntheticForecast {
  value: number;
  strategy: Extract<Strategy, `synthetic-${string}`>;
  /** One sigma of the forecast error at this lead, from the back-test (or a guess with too little history). */
  sigma: number;
  note: string;
}

type Forecaster = (history: readonly HistoryPoint[], end: number, at: number, horizonMs: number) => number | undefined;

/** Last good value, reverting towards the mean of the day before it as it ages. */
const lastGood: Forecaster = (history, end, at, horizonMs) => {
  if (end === 0) return undefined;
  const last = history[end - 1];
  let sum = 0;
  let count = 0;
  for (let i = end - 1; i >= 0 && history[i].at > last.at - DAY_MS; i--) {
    sum += history[i].value;
    count++;
  }
  const mean = sum / count;
  // Readings revert to their daily mean over about a day, not over the synthetic horizon.
  const keep = Math.exp(-(at - last.at) / DAY_MS);
  return mean + (last.value - mean) * keep;
};

/** Least-squares line through the last few points, extrapolated (damped by half beyond one span). */
const trend: Forecaster = (history, end, at) => {
  if (end < 4) return undefined;
  const start = Math.max(0, end - TREND_POINTS);
  const n = end - start;
  let mt = 0;
  let mv = 0;
  for (let i = start; i < end; i++) {
    mt += history[i].at;
    mv += history[i].value;
  }
  mt /= n;
  mv /= n;
  let stt = 0;
  let stv = 0;
  for (let i = start; i < end; i++) {
    stt += (history[i].at - mt) ** 2;
    stv += (history[i].at - mt) * (history[i].value - mv);
  }
  if (stt === 0) return undefined;
  const slope = stv / stt;
  const last = history[end - 1].at;
  const span = last - history[start].at;
  const lead = at - last;
  const damped = lead <= span ? lead : span + (lead - span) / 2;
  return mv + slope * (last - mt + damped);
};

/** The answer one day before `at`, if the history has one within half a step of it. */
const seasonal: Forecaster = (history, end, at) => {
  const target = at - DAY_MS;
  const step = end >= 2 ? history[end - 1].at - history[end - 2].at : DAY_MS;
  for (let i = end - 1; i >= 0; i--) {
    if (Math.abs(history[i].at - target) <= step / 2) return history[i].value;
    if (history[i].at < target - step) break;
  }
  return undefined;
};

const FORECASTERS: { strategy: SyntheticForecast['strategy']; forecast: Forecaster; label: string }[] = [
  { strategy: 'synthetic-last-good', forecast: lastGood, label: 'last good value, decaying to the day mean' },
  { strategy: 'synthetic-trend', forecast: trend, label: 'local linear trend' },
  { strategy: 'synthetic-seasonal', forecast: seasonal, label: 'same time one day earlier' },
];

/**
 * The best-supported forecast for `now` from `history` (oldest first, non-synthetic answers).
 * `floorSigma` is the spread the last real answer had: a forecast is never surer than that.
 */
export function forecast(history: readonly HistoryPoint[], now: number, horizonMs: number, floorSigma: number): SyntheticForecast | undefined {
  if (history.length === 0) return undefined;
  const lead = now - history[history.length - 1].at;
  let best: { index: number; error: number; tested: number } | undefined;
  for (let f = 0; f < FORECASTERS.length; f++) {
    if (FORECASTERS[f].forecast(history, history.length, now, horizonMs) === undefined) continue;
    let error = 0;
    let tested = 0;
    // Back-test: predict each recent answer from what was known `lead` before it.
    for (let j = history.length - 1; j >= 1 && tested < BACKTEST_POINTS; j--) {
      let end = j;
      while (end > 0 && history[end - 1].at > history[j].at - lead) end--;
      const predicted = end > 0 ? FORECASTERS[f].forecast(history, end, history[j].at, horizonMs) : undefined;
      if (predicted === undefined) continue;
      error += Math.abs(predicted - history[j].value);
      tested++;
    }
    const mean = tested > 0 ? error / tested : Infinity;
    // Last good (index 0) wins ties and stands in when nothing could be tested.
    if (best === undefined || mean < best.error) best = { index: f, error: mean, tested };
  }
  if (best === undefined) return undefined;
  const chosen = FORECASTERS[best.index];
  const value = chosen.forecast(history, history.length, now, horizonMs) as number;
  const last = history[history.length - 1].value;
  // Without a back-test, guess that the value may wander by a quarter of itself over the horizon.
  const tested = Number.isFinite(best.error) ? best.error * 1.25 : 0.25 * Math.abs(last) * Math.sqrt(lead / Math.max(horizonMs, 1));
  const sigma = Math.max(tested, floorSigma);
  const note = `${chosen.label}, ${Math.round(lead / 60_000)} min after the last real answer` + (best.tested > 0 ? ` (back-test error ${round(best.error)} over ${best.tested})` : '');
  return { value, strategy: chosen.strategy, sigma, note };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
