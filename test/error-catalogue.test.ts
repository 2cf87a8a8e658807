/** The error catalogue and its documentation must not drift apart (fastify's lesson). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, JunctionError, type ErrorCode } from '../src/errors';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `(\w+)` \| (\d+) \| (\w+) \| (true|false) \|/gm)].map((match) => [match[1], { status: Number(match[2]), kind: match[3], retryable: match[4] === 'true' }]),
);

describe('error catalogue', () => {
  it('documents every code with its status, kind and retryability, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(documented.get(code), code).toEqual({ status: spec.status, kind: spec.kind, retryable: spec.retryable });
    }
  });

  it.each(Object.keys(ERROR_CATALOGUE) as ErrorCode[])('%s builds an error carrying its catalogue entry', (code) => {
    const error = new JunctionError(code, 'message');
    expect(error.code).toBe(code);
    expect(error.status).toBe(ERROR_CATALOGUE[code].status);
    expect(error.retryable).toBe(ERROR_CATALOGUE[code].retryable);
  });
});
