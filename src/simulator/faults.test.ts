import { describe, expect, it } from 'vitest';
import type { ModelBehaviour } from '../config/simulator-behaviour';
import { drawFault, retryAfterFor } from './faults';

/** A random source that plays back fixed draws and counts them. */
function scripted(...values: number[]): { random: () => number; used: () => number } {
  let index = 0;
  return {
    random: () => values[index++] ?? 0.999,
    used: () => index,
  };
}

describe('drawFault', () => {
  it.each<[string, ModelBehaviour, boolean, number[], string]>([
    ['nothing configured', {}, true, [], 'none'],
    ['down wins over everything', { down: true, hangRate: 1, resetRate: 1 }, false, [], 'down'],
    ['hang', { hangRate: 0.5 }, false, [0.4], 'hang'],
    ['hang missed', { hangRate: 0.5 }, false, [0.6], 'none'],
    ['reset after a missed hang', { hangRate: 0.5, resetRate: 0.5 }, false, [0.9, 0.1], 'reset'],
    ['malformed', { malformedJsonRate: 1 }, false, [0.2], 'malformed-json'],
    ['wrong shape', { wrongShapeRate: 1 }, false, [0.2], 'wrong-shape'],
    ['mid-stream cut on a stream', { midStreamCutRate: 1 }, true, [0.2], 'cut-stream'],
    ['mid-stream cut ignored without a stream', { midStreamCutRate: 1 }, false, [0.2], 'none'],
    ['unfinished stream', { unfinishedStreamRate: 1 }, true, [0.2], 'unfinished-stream'],
    ['unfinished stream after a missed cut', { midStreamCutRate: 0.5, unfinishedStreamRate: 0.5 }, true, [0.7, 0.3], 'unfinished-stream'],
    ['unfinished stream ignored without a stream', { unfinishedStreamRate: 1 }, false, [0.2], 'none'],
  ])('%s', (_name, behaviour, stream, draws, expected) => {
    expect(drawFault(behaviour, scripted(...draws).random, stream).kind).toBe(expected);
  });

  it.each([
    [{ unfinishedStreamRate: 1 }, 'end'],
    [{ unfinishedStreamRate: 1, unfinishedStreamAt: 'early' as const }, 'early'],
    [{ unfinishedStreamRate: 1, unfinishedStreamAt: 'start' as const }, 'start'],
  ])('an unfinished stream stops where the behaviour says (%o)', (behaviour, at) => {
    expect(drawFault(behaviour, scripted(0.1).random, true)).toEqual({ kind: 'unfinished-stream', at });
  });

  it.each([
    [0.05, 429],
    [0.15, 500],
    [0.35, undefined],
  ])('error rates are consecutive slices of one draw (%f → %s)', (draw, expected) => {
    const fault = drawFault({ errorRates: { '429': 0.1, '500': 0.2 } }, scripted(draw).random, false);
    expect(fault.kind === 'status' ? fault.status : undefined).toBe(expected);
  });

  it('consumes no random numbers for rates that are zero or absent', () => {
    const source = scripted();
    drawFault({ hangRate: 0, resetRate: 0, errorRates: { '500': 0 } }, source.random, true);
    expect(source.used()).toBe(0);
  });
});

describe('retryAfterFor', () => {
  it.each([
    [429, {}, 1],
    [503, { retryAfterSeconds: 7 }, 7],
    [500, { retryAfterSeconds: 7 }, undefined],
  ])('status %i', (status, behaviour, expected) => {
    expect(retryAfterFor(status, behaviour)).toBe(expected);
  });
});
