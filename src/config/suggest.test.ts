import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './suggest';

describe('closestMatch', () => {
  const keys = ['baseUrl', 'apiKey', 'timeoutMs', 'connectTimeoutMs', 'kind', 'preset'];

  it.each([
    ['baseURL', 'baseUrl'],
    ['base_url', 'baseUrl'],
    ['api_key', 'apiKey'],
    ['kidn', 'kind'],
    ['timeout', 'timeoutMs'],
    ['presets', 'preset'],
    ['region', undefined],
    ['x', undefined],
  ])('%s → %s', (input, expected) => {
    expect(closestMatch(input, keys)).toBe(expected);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s ↔ %s = %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
