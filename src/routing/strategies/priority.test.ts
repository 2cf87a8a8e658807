import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidate, candidatesArbitrary, context, ids } from './__fixtures__/strategy-fixtures';
import { priorityStrategy } from './priority';

describe('priorityStrategy', () => {
  it.each([
    ['already in order', [['a', 0], ['b', 1], ['c', 2]], ['a', 'b', 'c']],
    ['reversed', [['a', 2], ['b', 1], ['c', 0]], ['c', 'b', 'a']],
    ['ties keep route order', [['a', 1], ['b', 0], ['c', 1], ['d', 0]], ['b', 'd', 'a', 'c']],
    ['negative priorities first', [['a', 0], ['b', -1]], ['b', 'a']],
  ] as const)('%s', (_name, settings, expected) => {
    const candidates = settings.map(([id, priority]) => candidate(id, { priority }));
    const decision = priorityStrategy(candidates, context());
    expect(ids(decision)).toEqual(expected);
    expect(decision.reason).toBe(`priority order: ${expected.join(' → ')}`);
  });

  it('never puts a higher priority number before a lower one, and keeps ties in route order', () => {
    fc.assert(
      fc.property(candidatesArbitrary, (candidates) => {
        const ordered = priorityStrategy(candidates, context()).ordered;
        for (let index = 1; index < ordered.length; index += 1) {
          const [before, after] = [ordered[index - 1], ordered[index]];
          expect(before.deployment.priority).toBeLessThanOrEqual(after.deployment.priority);
          if (before.deployment.priority === after.deployment.priority) {
            expect(candidates.indexOf(before)).toBeLessThan(candidates.indexOf(after));
          }
        }
      }),
    );
  });
});
