import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBatchedCounter } from './batched-counter';

const NAME = 'test_things_total';
const HELP = 'Things.';
const LABELS = ['kind', 'status'];

function pair() {
  const reference = new Registry();
  const batched = new Registry();
  const plain = new Counter({ name: NAME, help: HELP, labelNames: LABELS, registers: [reference] });
  const series = createBatchedCounter({ name: NAME, help: HELP, labelNames: LABELS, registry: batched });
  return { reference, batched, plain, series };
}

describe('batched counter', () => {
  it('exposes what prom-client would for the same increments (property)', async () => {
    const increment = fc.record({ kind: fc.constantFrom('a', 'b', 'c'), status: fc.constantFrom(200, 500), value: fc.nat({ max: 1_000 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(increment, { maxLength: 50 }), fc.nat({ max: 50 }), async (increments, scrapeAt) => {
        const { reference, batched, plain, series } = pair();
        for (const [index, { kind, status, value }] of increments.entries()) {
          // A scrape in between must neither lose nor repeat what was pending.
          if (index === scrapeAt) await batched.metrics();
          if (value === 0) continue;
          plain.inc({ kind, status: String(status) }, value);
          series.get(kind, status).inc(value);
        }
        expect(await batched.metrics()).toBe(await reference.metrics());
        expect(await batched.metrics()).toBe(await reference.metrics());
      }),
      { numRuns: 50 },
    );
  });

  it('counts one by default and sums fractions', async () => {
    const { batched, series } = pair();
    series.get('a', 200).inc();
    series.get('a', 200).inc(0.25);
    expect(await batched.metrics()).toContain(`${NAME}{kind="a",status="200"} 1.25`);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses to add %d, and the registry still renders', async (value) => {
    const { batched, series } = pair();
    series.get('a', 200).inc(2);
    expect(() => series.get('a', 200).inc(value)).toThrow(TypeError);
    expect(await batched.metrics()).toContain(`${NAME}{kind="a",status="200"} 2`);
  });
});
