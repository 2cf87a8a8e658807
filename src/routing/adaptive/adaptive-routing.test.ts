import { describe, expect, it } from 'vitest';
import type { Catalog, Route } from '../catalog';
import { routeOver } from '../strategies/__fixtures__/strategy-fixtures';
import { AdaptiveRouting } from './adaptive-routing';

function catalogWith(routes: Array<Partial<Route> & { name: string }>): Catalog {
  const catalog: Catalog = { providers: new Map(), deployments: new Map(), routes: new Map() };
  for (const { name, ...overrides } of routes) catalog.routes.set(name, routeOver(name, ['a', 'b'], { strategy: 'adaptive', ...overrides }));
  return catalog;
}

const fast = { success: true, latencyMs: 10, outputTokens: 50 };
const slow = { success: true, latencyMs: 200, outputTokens: 50 };

describe('AdaptiveRouting', () => {
  it('learns on adaptive routes only, and serves the shares through its knowledge', () => {
    const catalog = catalogWith([{ name: 'learning' }, { name: 'plain', strategy: 'priority' }]);
    const adaptive = new AdaptiveRouting({ catalog: () => catalog, now: () => 0 });
    for (let index = 0; index < 50; index += 1) {
      for (const route of ['learning', 'plain']) {
        adaptive.observe(route, 'a', fast);
        adaptive.observe(route, 'b', slow);
      }
    }
    expect(adaptive.knowledge.weight('learning', 'a')!).toBeGreaterThan(0.8);
    expect(adaptive.knowledge.weight('plain', 'a')).toBeUndefined();
    expect(adaptive.report().map((row) => row.route)).toEqual(['learning']);
  });

  it('keeps what it learned over a reload with the same options, and starts afresh when they change', () => {
    let catalog = catalogWith([{ name: 'r', strategyOptions: { adaptive: { learningRate: 0.2 } } }]);
    const adaptive = new AdaptiveRouting({ catalog: () => catalog, now: () => 0 });
    for (let index = 0; index < 30; index += 1) {
      adaptive.observe('r', 'a', fast);
      adaptive.observe('r', 'b', slow);
    }
    const learned = adaptive.knowledge.weight('r', 'a')!;
    catalog = catalogWith([{ name: 'r', strategyOptions: { adaptive: { learningRate: 0.2 } } }]);
    adaptive.observe('r', 'a', fast);
    expect(adaptive.knowledge.weight('r', 'a')!).toBeGreaterThanOrEqual(learned);
    catalog = catalogWith([{ name: 'r', strategyOptions: { adaptive: { learningRate: 0.5 } } }]);
    expect(adaptive.learner('r')!.settings.learningRate).toBe(0.5);
    expect(adaptive.knowledge.weight('r', 'a')).toBeCloseTo(0.5, 9);
  });

  it('remembers answered requests boundedly and scores them', () => {
    const catalog = catalogWith([{ name: 'r' }]);
    const adaptive = new AdaptiveRouting({ catalog: () => catalog, now: () => 0, maxRemembered: 2 });
    adaptive.remember('one', { route: 'r', deployment: 'a' });
    adaptive.remember('two', { route: 'r', deployment: 'b' });
    adaptive.remember('three', { route: 'r', deployment: 'a', principal: 'p' });
    expect(adaptive.decision('one')).toBeUndefined();
    expect(adaptive.feedback('one', 1)).toBeUndefined();
    expect(adaptive.feedback('three', 0.8)).toMatchObject({ decision: { deployment: 'a', principal: 'p' }, arm: { quality: 0.8, feedback: 1 } });
  });
});
