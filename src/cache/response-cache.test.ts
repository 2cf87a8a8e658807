import { describe, expect, it } from 'vitest';
import { directiveOf, namespaceOf } from './cache-entry';

describe('cache directive', () => {
  it.each([
    [undefined, 'use'],
    [{}, 'use'],
    [{ cache: 'bypass' }, 'bypass'],
    [{ cache: 'REFRESH' }, 'refresh'],
    [{ cache: 'use', cacheControl: 'no-store' }, 'use'],
    [{ cacheControl: 'no-store' }, 'bypass'],
    [{ cacheControl: 'max-age=0, no-cache' }, 'refresh'],
    [{ cacheControl: 'no-cache, no-store' }, 'bypass'],
    [{ cacheControl: 'max-age=60' }, 'use'],
  ] as const)('%j → %s', (hints, expected) => {
    expect(directiveOf(hints)).toBe(expected);
  });

  it('refuses an unknown x-junction-cache value with a 400 naming the header', () => {
    expect(() => directiveOf({ cache: 'always' })).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400, param: 'x-junction-cache' }));
  });
});

describe('cache namespace', () => {
  it.each([
    ['key', { id: 'k1', team: 't' }, 'key:k1'],
    ['team', { id: 'k1', team: 't' }, 'team:t'],
    ['team', { id: 'k1' }, 'key:k1'],
    ['shared', { id: 'k1', team: 't' }, ''],
    ['key', undefined, 'anonymous'],
  ] as const)('%s scope for %j → %j', (scope, principal, expected) => {
    expect(namespaceOf(scope, principal)).toBe(expected);
  });
});
