import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBatchedHistogram } from './batched-histogram';

const NAME = 'test_latency_seconds';
const HELP = 'Latency.';
const LABELS = ['route', 'stream'];
const BUCKETS = [0.005, 0.01, 0.1, 1, 10];

function pair() {
  const reference = new Registry();
  const batched = new Registry();
  const plain = new Histogram({ name: NAME, help: HELP, labelNames: LABELS, buckets: BUCKETS, registers: [reference] });
  const series = createBatchedHistogram({ name: NAME, help: HELP, labelNames: LABELS, buckets: BUCKETS, registry: batched });
  return { reference, batched, plain, series };
}

/** prom-client lists an empty exemplar slot per bucket; exemplars are off here, so the batched histogram has none. */
function withoutExemplars<T extends { values: object[] }>(metrics: T[]): T[] {
  return metrics.map((metric) => ({ ...metric, values: metric.values.map(({ exemplar: _exemplar, ...value }: { exemplar?: unknown }) => value) }));
}

describe('batched histogram', () => {
  it('exposes what prom-client would for the same observations, bucket edges included (property)', async () => {
    const value = fc.oneof(fc.constantFrom(0, ...BUCKETS, 20), fc.double({ min: 0, max: 50, noNaN: true }));
    const observation = fc.record({ route: fc.constantFrom('a', 'b'), stream: fc.boolean(), value });
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (observations) => {
        const { reference, batched, plain, series } = pair();
        for (const { route, stream, value: seconds } of observations) {
          plain.observe({ route, stream: String(stream) }, seconds);
          series.get(route, stream).observe(seconds);
        }
        expect(await batched.metrics()).toBe(await reference.metrics());
        expect(await batched.getMetricsAsJSON()).toEqual(withoutExemplars(await reference.getMetricsAsJSON()));
      }),
      { numRuns: 50 },
    );
  });

  it('writes le first, as prom-client does', async () => {
    const { batched, series } = pair();
    series.get('a', false).observe(0.5);
    const text = await batched.metrics();
    expect(text).toContain(`${NAME}_bucket{le="1",route="a",stream="false"} 1`);
    expect(text).toContain(`${NAME}_bucket{le="+Inf",route="a",stream="false"} 1`);
    expect(text).toContain(`${NAME}_sum{route="a",stream="false"} 0.5`);
    expect(text).toContain(`${NAME}_count{route="a",stream="false"} 1`);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses to observe %d', (value) => {
    const { series } = pair();
    expect(() => series.get('a', true).observe(value)).toThrow(TypeError);
    expect(series.get('a', true).count).toBe(0);
  });

  it('zeroes its series on a registry reset', async () => {
    const { batched, series } = pair();
    series.get('a', true).observe(2);
    batched.resetMetrics();
    expect(await batched.metrics()).toContain(`${NAME}_count{route="a",stream="true"} 0`);
  });
});
