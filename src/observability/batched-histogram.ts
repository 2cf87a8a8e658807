/**
 * A Prometheus histogram that keeps its bucket counts per series in typed arrays and builds
 * the exposition only when the registry is read. prom-client's Histogram turns the label
 * object into a key string and re-validates it on every `observe`, and offers no way to hand
 * it counts gathered elsewhere; the gateway observes several histograms per request, so this
 * one stands in for it. It answers the registry the way prom-client's own histograms do
 * (name, help, type, `get`, `reset`), and a test compares the two expositions line by line.
 */
import type { Histogram, Registry } from 'prom-client';
import { labelsOf, SeriesCache } from './series-cache';

/** One labelled series: counts per bucket (not cumulative; the last slot is above every bound), sum and count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts one value in the first bucket whose upper bound is ≥ it; throws on a non-finite value, as prom-client does. */
  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`a histogram cannot observe ${value}`);
    const bounds = this.bounds;
    let slot = 0;
    while (slot < bounds.length && value > bounds[slot]) slot += 1;
    this.counts[slot] += 1;
    this.sum += value;
    this.count += 1;
  }
}

/** One line of the exposition, in the shape prom-client's registry reads. */
interface ExposedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export interface BatchedHistogramOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registry: Registry;
}

/** Registers the histogram and returns its series, found by label values in `labelNames` order. */
export function createBatchedHistogram(options: BatchedHistogramOptions): SeriesCache<HistogramSeries> {
  const bounds = [...options.buckets].sort((a, b) => a - b);
  const all: HistogramSeries[] = [];
  const { name, help } = options;

  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values: ExposedValue[] = [];
      for (const series of all) {
        let cumulative = 0;
        bounds.forEach((bound, slot) => {
          cumulative += series.counts[slot];
          values.push({ labels: { le: bound, ...series.labels }, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push({ labels: { le: '+Inf', ...series.labels }, value: series.count, metricName: `${name}_bucket` });
        values.push({ labels: { ...series.labels }, value: series.sum, metricName: `${name}_sum` });
        values.push({ labels: { ...series.labels }, value: series.count, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    /** Zeroes every series (they stay listed, at zero, where prom-client would drop them). */
    reset(): void {
      for (const series of all) {
        series.counts.fill(0);
        series.sum = 0;
        series.count = 0;
      }
    },
  };
  // The registry reads only name, type, get() and reset() (prom-client 15); its typings name
  // prom-client's own classes, hence the cast.
  options.registry.registerMetric(metric as unknown as Histogram<string>);

  return new SeriesCache(options.labelNames.length, function addSeries(values) {
    const series = new HistogramSeries(labelsOf(options.labelNames, values), bounds);
    all.push(series);
    return series;
  });
}
