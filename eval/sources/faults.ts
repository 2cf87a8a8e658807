/**
 * Fault injection on top of the real data, at known steps and from a seed, so every run of
 * the evaluation sees the same faults: stuck value, spikes, slow drift (a growing bias),
 * dropout, staleness (old readings with their old timestamps), a duplicated source (a second
 * feed copying one source: a Sybil), and every source dark for a stretch.
 */
import { seededRandom } from '../../src/resilience/random';
import type { Series } from './load';

export const FAULT_TYPES = ['stuck', 'spike', 'drift', 'dropout', 'stale', 'duplicate', 'dark'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** Lengths in steps (hours for PM2.5, days for BTC); one episode starts in every period. */
export const FAULT_PLAN = {
  periodSteps: 120,
  durationSteps: { stuck: 24, spike: 24, drift: 48, dropout: 24, stale: 24, duplicate: 48, dark: 4 } satisfies Record<FaultType, number>,
  /** Spikes per spike episode, and their size (× the true value). */
  spikes: 5,
  spikeFactor: [3, 6],
  /** Drift grows linearly to this relative bias by the episode's end. */
  driftBias: 0.8,
  /** A stale source delivers the reading from this many steps earlier. */
  staleLagSteps: 6,
} as const;

export interface Episode {
  type: FaultType;
  /** Index of the faulty source (-1 for `dark`, which hits all). */
  source: number;
  start: number;
  /** Exclusive. */
  end: number;
}

/** What the router is offered: the real columns with faults applied, plus the duplicate feed. */
export interface Delivered {
  sources: string[];
  /** values[s][t], NaN when the source delivers nothing. */
  values: Float64Array[];
  /** stamps[s][t]: the timestamp the source attaches (ms epoch). */
  stamps: Float64Array[];
  episodes: Episode[];
  /** Index of the duplicate feed among `sources`. */
  duplicateIndex: number;
}

export function injectFaults(series: Series, seed: number): Delivered {
  const random = seededRandom(seed);
  const steps = series.times.length;
  const originals = series.sources.length;
  const values = series.values.map((column) => Float64Array.from(column));
  const stamps = series.values.map(() => Float64Array.from(series.times));
  const duplicate = new Float64Array(steps).fill(Number.NaN);
  values.push(duplicate);
  stamps.push(Float64Array.from(series.times));
  const episodes: Episode[] = [];
  const longest = Math.max(...Object.values(FAULT_PLAN.durationSteps));
  for (let k = 0; (k + 1) * FAULT_PLAN.periodSteps <= steps; k++) {
    const type = FAULT_TYPES[k % FAULT_TYPES.length];
    const start = k * FAULT_PLAN.periodSteps + Math.floor(random() * (FAULT_PLAN.periodSteps - longest));
    const end = Math.min(steps, start + FAULT_PLAN.durationSteps[type]);
    const present = series.sources.map((_, s) => s).filter((s) => !Number.isNaN(series.values[s][start]) && !series.duplicates.includes(series.sources[s]));
    const pick = present.length > 0 ? present[Math.floor(random() * present.length)] : Math.floor(random() * originals);
    const source = type === 'dark' ? -1 : pick;
    episodes.push({ type, source, start, end });
    apply(type, source, start, end, series, values, stamps, duplicate, random);
  }
  return { sources: [...series.sources, 'copy'], values, stamps, episodes, duplicateIndex: originals };
}

function apply(type: FaultType, s: number, start: number, end: number, series: Series, values: Float64Array[], stamps: Float64Array[], duplicate: Float64Array, random: () => number): void {
  const clean = s >= 0 ? series.values[s] : undefined;
  switch (type) {
    case 'stuck': {
      const frozen = clean![start];
      for (let t = start; t < end; t++) if (!Number.isNaN(clean![t])) values[s][t] = frozen;
      return;
    }
    case 'spike':
      for (let k = 0; k < FAULT_PLAN.spikes; k++) {
        const t = start + Math.floor(random() * (end - start));
        const [low, high] = FAULT_PLAN.spikeFactor;
        values[s][t] = clean![t] * (low + (high - low) * random());
      }
      return;
    case 'drift':
      for (let t = start; t < end; t++) values[s][t] = clean![t] * (1 + (FAULT_PLAN.driftBias * (t - start + 1)) / (end - start));
      return;
    case 'dropout':
      for (let t = start; t < end; t++) values[s][t] = Number.NaN;
      return;
    case 'stale':
      for (let t = start; t < end; t++) {
        const old = Math.max(0, t - FAULT_PLAN.staleLagSteps);
        values[s][t] = clean![old];
        stamps[s][t] = series.times[old];
      }
      return;
    case 'duplicate':
      for (let t = start; t < end; t++) duplicate[t] = values[s][t];
      return;
    case 'dark':
      for (const column of values) for (let t = start; t < end; t++) column[t] = Number.NaN;
      return;
  }
}
