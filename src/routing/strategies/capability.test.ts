import { describe, expect, it } from 'vitest';
import { candidate, context, ids } from './__fixtures__/strategy-fixtures';
import { capabilityStrategy } from './capability';

describe('capabilityStrategy', () => {
  it.each([
    ['best quality first', [['a', 0.5, 0], ['b', 0.9, 0], ['c', 0.7, 0]], ['b', 'c', 'a']],
    ['an unscored deployment counts as 0.5', [['a', 0.4, 0], ['b', undefined, 0], ['c', 0.6, 0]], ['c', 'b', 'a']],
    ['equal quality: lower priority number first', [['a', 0.8, 2], ['b', 0.8, 1], ['c', 0.8, 3]], ['b', 'a', 'c']],
    ['equal quality and priority: route order', [['a', 0.8, 1], ['b', 0.8, 1]], ['a', 'b']],
  ] as const)('%s', (_name, settings, expected) => {
    const candidates = settings.map(([id, quality, priority]) => candidate(id, { quality, priority }));
    expect(ids(capabilityStrategy(candidates, context()))).toEqual(expected);
  });

  it('notes each score and says the capability filter has already run', () => {
    const decision = capabilityStrategy([candidate('a', { quality: 0.9 }), candidate('b')], context());
    expect(decision.notes?.()).toEqual({ a: 'quality 0.9', b: 'quality 0.5' });
    expect(decision.reason).toContain('already meet');
  });
});
