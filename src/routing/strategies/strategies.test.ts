import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JunctionError } from '../../errors';
import { candidatesArbitrary, context, contextArbitrary, contextFrom, ids } from './__fixtures__/strategy-fixtures';
import { getStrategy, isStrategyName, strategies } from './index';
import { STRATEGY_NAMES } from './types';

const everyStrategy = STRATEGY_NAMES.map((name) => [name] as const);

describe('the strategy table', () => {
  it('has exactly one strategy per name', () => {
    expect(Object.keys(strategies).sort()).toEqual([...STRATEGY_NAMES].sort());
  });

  it.each(everyStrategy)('getStrategy(%s) returns the table entry', (name) => {
    expect(isStrategyName(name)).toBe(true);
    expect(getStrategy(name)).toBe(strategies[name]);
  });

  it('rejects an unknown name as the caller’s mistake', () => {
    expect(isStrategyName('fastest')).toBe(false);
    expect(() => getStrategy('fastest')).toThrowError(JunctionError);
    expect(() => getStrategy('fastest')).toThrowError(expect.objectContaining({ code: 'invalid_request', message: expect.stringContaining('least-latency') }));
  });
});

describe.each(everyStrategy)('%s: contract', (name) => {
  const strategy = strategies[name];

  // Any hidden use of the global clock or randomness would make decisions unreplayable.
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('strategies must use context.random');
    });
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('strategies must use context.now');
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns an empty order, with a reason, for no candidates', () => {
    const decision = strategy([], context());
    expect(decision.ordered).toEqual([]);
    expect(decision.reason).not.toBe('');
  });

  it('orders every candidate exactly once and leaves the input untouched', () => {
    fc.assert(
      fc.property(candidatesArbitrary, contextArbitrary, (candidates, settings) => {
        const input = [...candidates];
        const decision = strategy(input, contextFrom(candidates, settings));
        expect(input).toEqual(candidates);
        expect(decision.ordered).toHaveLength(candidates.length);
        expect(new Set(decision.ordered)).toEqual(new Set(candidates));
        expect(decision.reason).not.toBe('');
        expect(decision.reason).not.toContain('\n');
      }),
    );
  });

  it('is deterministic given the candidates and the context', () => {
    fc.assert(
      fc.property(candidatesArbitrary, contextArbitrary, (candidates, settings) => {
        const first = strategy(candidates, contextFrom(candidates, settings));
        const second = strategy(candidates, contextFrom(candidates, settings));
        expect(ids(second)).toEqual(ids(first));
        expect(second.reason).toBe(first.reason);
        expect(second.variant).toBe(first.variant);
      }),
    );
  });

  it('reads each candidate’s health at most once', () => {
    fc.assert(
      fc.property(candidatesArbitrary, contextArbitrary, (candidates, settings) => {
        const base = contextFrom(candidates, settings);
        const reads = new Map<string, number>();
        const health = (id: string) => {
          reads.set(id, (reads.get(id) ?? 0) + 1);
          return base.health(id);
        };
        strategy(candidates, { ...base, health });
        for (const count of reads.values()) expect(count).toBe(1);
      }),
    );
  });

  it('notes, when it writes them, one line per candidate as decided, even after the state moves on', () => {
    fc.assert(
      fc.property(candidatesArbitrary, contextArbitrary, (candidates, settings) => {
        const context = contextFrom(candidates, settings);
        const decision = strategy(candidates, context);
        if (decision.notes === undefined) return;
        const before = decision.notes();
        expect(Object.keys(before).sort()).toEqual(candidates.map((entry) => entry.deployment.id).sort());
        strategy(candidates, context);
        expect(decision.notes()).toEqual(before);
      }),
    );
  });

  it('never writes a caller or sticky key into its reason or notes', () => {
    fc.assert(
      fc.property(candidatesArbitrary, fc.uuid(), fc.uuid(), (candidates, callerKey, stickyKey) => {
        const decision = strategy(candidates, context({ request: { estimatedInputTokens: 10, callerKey, stickyKey } }));
        const written = `${decision.reason} ${JSON.stringify(decision.notes?.() ?? {})}`;
        expect(written).not.toContain(callerKey);
        expect(written).not.toContain(stickyKey);
      }),
    );
  });
});
