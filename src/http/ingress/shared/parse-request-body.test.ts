import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JunctionError } from '../../../errors';
import { acceptedValues, expecting, parseRequestBody } from './parse-request-body';

const part = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), url: z.string() }),
]);
const schema = z.object({
  name: z.string().min(1),
  count: z.int().min(1).max(10).optional(),
  ratio: z.number().gt(0).lt(1).optional(),
  tags: z.array(z.string()).min(2).optional(),
  content: z.union([z.string(), z.array(part)], { error: expecting('a string or an array of parts') }).optional(),
  mode: z.enum(['fast', 'slow']).optional(),
  kind: z
    .discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('legacy') })], {
      error: acceptedValues('kind', ['a']),
    })
    .optional(),
});

function failure(body: unknown): { param: string | undefined; message: string } {
  try {
    parseRequestBody(schema, body);
  } catch (error) {
    if (error instanceof JunctionError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected parseRequestBody to throw');
}

describe('parseRequestBody', () => {
  it('returns the parsed value, unknown keys stripped', () => {
    expect(parseRequestBody(schema, { name: 'x', extra: true })).toEqual({ name: 'x' });
  });

  it.each<[string, unknown, string | undefined, string]>([
    ['body of the wrong type', 'x', undefined, 'request body: expected an object, got a string'],
    ['missing field', {}, 'name', 'name: required'],
    ['empty string', { name: '' }, 'name', 'name: must not be empty'],
    ['number too small', { name: 'x', count: 0 }, 'count', 'count: must be at least 1, got 0'],
    ['number too big', { name: 'x', count: 11 }, 'count', 'count: must be at most 10, got 11'],
    ['exclusive bounds', { name: 'x', ratio: 1 }, 'ratio', 'ratio: must be less than 1, got 1'],
    ['array too short', { name: 'x', tags: ['a'] }, 'tags', 'tags: must contain at least 2 items'],
    ['enum', { name: 'x', mode: 'medium' }, 'mode', "mode: expected 'fast' or 'slow', got a string"],
    ['union fails at the root: the union message', { name: 'x', content: 3 }, 'content', 'content: expected a string or an array of parts, got 3'],
    ['union fails deeper: the deep issue', { name: 'x', content: [{ type: 'text', text: 1 }] }, 'content[0].text', 'content[0].text: expected a string, got 1'],
    ['unknown discriminator', { name: 'x', content: [{ type: 'audio' }] }, 'content[0].type', "content[0].type: 'audio' is not supported (expected 'text' or 'image')"],
    ['missing discriminator', { name: 'x', content: [{}] }, 'content[0].type', 'content[0].type: required'],
    ['accepted values leave out rejected options', { name: 'x', kind: { kind: 'b' } }, 'kind.kind', "kind.kind: 'b' is not supported (expected 'a')"],
    ['long values are cut short', { name: 'x', content: [{ type: 'y'.repeat(100) }] }, 'content[0].type', `'${'y'.repeat(40)}...' is not supported`],
  ])('%s', (_name, body, param, message) => {
    const result = failure(body);
    expect(result.param).toBe(param);
    expect(result.message).toContain(message);
  });
});
