import { describe, expect, it } from 'vitest';
import { candidate, context, ids } from './__fixtures__/strategy-fixtures';
import { geographicStrategy, proximity, regionOf } from './geographic';

describe('proximity', () => {
  it.each([
    ['us-east', 'us-east', 'same'],
    ['US-East', 'us-east', 'same'],
    ['us-east', 'us-west', 'near'],
    ['eu-west', 'eu-central', 'near'],
    ['eu', 'eu-west', 'near'],
    ['us-east', 'eu-west', 'far'],
    ['us-east', undefined, 'far'],
  ] as const)('%s vs %s is %s', (caller, deployment, expected) => {
    expect(proximity(caller, deployment)).toBe(expected);
  });
});

describe('geographicStrategy', () => {
  const candidates = [
    candidate('dublin', { priority: 2, tags: { region: 'eu-west' } }),
    candidate('oregon', { priority: 0, tags: { region: 'us-west' } }),
    candidate('frankfurt', { priority: 1, tags: { region: 'eu-central' } }),
    candidate('unplaced', { priority: 0 }),
    candidate('london', { priority: 5, tags: { region: 'eu-west' } }),
  ];

  it.each([
    ['same region, then near, then far; by priority within each', 'eu-west', ['dublin', 'london', 'frankfurt', 'oregon', 'unplaced']],
    ['only near ones', 'eu-north', ['frankfurt', 'dublin', 'london', 'oregon', 'unplaced']],
    ['a deployment with no region counts as far', 'us-west', ['oregon', 'unplaced', 'frankfurt', 'dublin', 'london']],
  ])('%s', (_name, region, expected) => {
    const decision = geographicStrategy(candidates, context({ request: { estimatedInputTokens: 10, region } }));
    expect(ids(decision)).toEqual(expected);
  });

  it('notes each deployment’s region and closeness', () => {
    const decision = geographicStrategy(candidates, context({ request: { estimatedInputTokens: 10, region: 'eu-west' } }));
    expect(decision.notes?.()).toMatchObject({ dublin: 'eu-west: same', frankfurt: 'eu-central: near', oregon: 'us-west: far', unplaced: 'no region: far' });
    expect(decision.reason).toContain('2 same region, 1 near, 2 far');
  });

  it('falls back to priority order, saying why, when the caller region is unknown', () => {
    const decision = geographicStrategy(candidates, context());
    expect(ids(decision)).toEqual(['oregon', 'unplaced', 'frankfurt', 'dublin', 'london']);
    expect(decision.reason).toContain('caller region unknown');
  });

  it('takes the region tag over the provider region', () => {
    expect(regionOf(candidate('x', { tags: { region: 'eu-west' } }, { region: 'us-east' }))).toBe('eu-west');
    expect(regionOf(candidate('y', {}, { region: 'us-east' }))).toBe('us-east');
    const byProvider = [candidate('far', {}, { region: 'ap-south' }), candidate('home', {}, { region: 'ap-south' }), candidate('tagged', { tags: { region: 'us-east' } }, { region: 'ap-south' })];
    expect(ids(geographicStrategy(byProvider, context({ request: { estimatedInputTokens: 10, region: 'us-east' } })))).toEqual(['tagged', 'far', 'home']);
  });
});
