import { describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog';
import { planRoute } from '../plan';
import { candidate, healthSnapshot, routeOver, seededRandom } from '../strategies/__fixtures__/strategy-fixtures';
import { newRouteStrategyState } from '../strategies/types';
import { parseSkills, servesSkills, SkillDetector, skillsOf } from './skills';

describe('SkillDetector with the default skills', () => {
  const detector = new SkillDetector(undefined);
  it.each([
    ['What is the integral of x^2 from 0 to 3?', ['math']],
    ['Solve for x: 3x + 4 = 19', ['math']],
    ['Is 12 * 7 = 84 right?', ['math']],
    ['compute sqrt(2) to five places', ['math']],
    ['Write a Python function that reverses a list', ['code']],
    ['Why does this fail?\n```\nconst x = f(;\n```', ['code']],
    ['def parse(text):\n    return text.split()', ['code']],
    ['Write a function that returns the derivative of a polynomial', ['math', 'code']],
    ['Tell me a story about a lighthouse keeper', []],
    ['My function at work went well', ['code']],
    ['Dysfunctional families in novels', []],
  ])('%j → %j', (text, skills) => {
    expect(detector.detect(text)).toEqual(skills);
  });
});

describe('SkillDetector with a route’s own skills', () => {
  it('adds skills, replaces a default of the same name, and matches keywords as whole words, case-insensitively', () => {
    const detector = new SkillDetector({ skills: { legal: { keywords: ['contract', 'statute of limitations'] }, math: { patterns: ['\\bmod\\s+\\d+'] } } });
    expect(detector.skills).toEqual(['math', 'code', 'legal']);
    expect(detector.detect('Review this CONTRACT please')).toEqual(['legal']);
    expect(detector.detect('the statute  of limitations')).toEqual(['legal']);
    expect(detector.detect('contractual terms')).toEqual([]);
    expect(detector.detect('17 mod 5')).toEqual(['math']);
    // The default math keywords were replaced.
    expect(detector.detect('an integral')).toEqual([]);
  });
});

describe('skill tags and headers', () => {
  it.each([
    ['math, code', ['math', 'code']],
    ['Math code  math', ['math', 'code']],
    ['', []],
    [undefined, []],
  ])('parses %j', (text, skills) => {
    expect(parseSkills(text)).toEqual(skills);
  });

  it('reads tags.skills and requires every needed skill', () => {
    const tagged = { tags: { skills: 'math,code' } };
    expect(skillsOf(tagged)).toEqual(['math', 'code']);
    expect(servesSkills(tagged, ['math'])).toBe(true);
    expect(servesSkills(tagged, ['math', 'legal'])).toBe(false);
    expect(servesSkills({ tags: {} }, ['math'])).toBe(false);
    expect(servesSkills({ tags: {} }, [])).toBe(true);
  });
});

describe('planning with skill needs', () => {
  const catalog: Catalog = { providers: new Map(), deployments: new Map(), routes: new Map() };
  for (const [id, skills] of [['general', undefined], ['mathy', 'math'], ['coder', 'code'], ['both', 'math code']] as const) {
    const { deployment, provider } = candidate(id, skills ? { tags: { skills } } : {});
    catalog.deployments.set(id, deployment);
    catalog.providers.set(provider.id, provider);
  }
  const route = routeOver('experts', ['general', 'mathy', 'coder', 'both']);
  const plan = (needed: string[], strict: boolean) =>
    planRoute({ route, catalog, needs: { capabilities: [], estimatedInputTokens: 10 }, health: (id) => healthSnapshot(id), request: { estimatedInputTokens: 10 }, state: newRouteStrategyState(), random: seededRandom(1), now: 0, skills: { needed, strict } });

  it('puts tagged deployments first and the others after them', () => {
    const result = plan(['math'], false);
    expect(result.attempts.map((attempt) => attempt.deployment.id)).toEqual(['mathy', 'both', 'general', 'coder']);
    expect(result.reason).toContain('tagged for math first');
    expect(result.excluded).toEqual([]);
  });

  it('when strict, excludes deployments not tagged for every needed skill, saying why', () => {
    const result = plan(['math', 'code'], true);
    expect(result.attempts.map((attempt) => attempt.deployment.id)).toEqual(['both']);
    expect(result.excluded).toContainEqual({ deployment: 'mathy', tier: 'primary', reason: 'not tagged for math, code (strict expert routing)' });
  });

  it('falls back to the strategy’s order when no deployment is tagged (not strict)', () => {
    const result = plan(['legal'], false);
    expect(result.attempts.map((attempt) => attempt.deployment.id)).toEqual(['general', 'mathy', 'coder', 'both']);
    expect(result.reason).toContain('none tagged for legal');
  });
});
