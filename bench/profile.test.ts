import { describe, expect, it } from 'vitest';
import { moduleOf, selfTimes, summariseProfile } from './profile';
import type { CpuProfile } from './profile';

describe('moduleOf', () => {
  it.each([
    ['file:///app/node_modules/fastify/lib/reply.js', 'pkg:fastify'],
    ['file:///app/node_modules/@anthropic-ai/sdk/index.js', 'pkg:@anthropic-ai/sdk'],
    ['file:///app/src/gateway/executor.ts', 'src/gateway/executor.ts'],
    ['node:internal/streams/readable', 'node:internal/streams/readable'],
    ['', '(native / V8)'],
  ])('%s → %s', (url, expected) => {
    expect(moduleOf(url)).toBe(expected);
  });
});

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', '') },
    { id: 2, callFrame: frame('(idle)', '') },
    { id: 3, callFrame: frame('route', 'file:///app/src/routing/plan.ts') },
    { id: 4, callFrame: frame('serialize', 'file:///app/node_modules/fastify/lib/reply.js') },
  ],
  samples: [2, 3, 3, 4, 3, 2],
  timeDeltas: [1000, 2000, 2000, 1000, 2000, 4000],
};

describe('selfTimes', () => {
  it('sums each sample’s time delta onto its function, largest first', () => {
    const rows = selfTimes(profile, (node) => node.callFrame.functionName);
    expect(rows.map((row) => [row.name, row.ms])).toEqual([
      ['route', 6],
      ['(idle)', 5],
      ['serialize', 1],
    ]);
    expect(rows[0].share).toBeCloseTo(0.5, 9);
  });

  it('prints shares of busy time, leaving idle out', () => {
    const text = summariseProfile(profile, 5);
    expect(text).toContain('busy 7 ms (idle 5 ms');
    expect(text).toMatch(/85\.7%\s+6 ms {2}route \(src\/routing\/plan\.ts:1\)/);
    expect(text).toMatch(/14\.3%\s+1 ms {2}pkg:fastify/);
  });
});
