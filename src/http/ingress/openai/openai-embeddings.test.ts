import { describe, expect, it } from 'vitest';
import { JunctionError } from '../../../errors';
import { decodeOpenAIEmbeddings, encodeFloat32Base64, encodeOpenAIEmbeddings } from './openai-embeddings';

function decodeError(body: unknown): JunctionError {
  try {
    decodeOpenAIEmbeddings(body);
  } catch (error) {
    if (error instanceof JunctionError) return error;
    throw error;
  }
  throw new Error('expected decodeOpenAIEmbeddings to throw');
}

describe('decodeOpenAIEmbeddings', () => {
  it.each([
    [{ model: 'embed', input: 'hello' }, { model: 'embed', input: ['hello'] }, 'float'],
    [{ model: 'embed', input: ['a', 'b'], encoding_format: 'base64' }, { model: 'embed', input: ['a', 'b'] }, 'base64'],
    [{ model: 'embed', input: 'x', dimensions: 256, user: 'u1', encoding_format: null }, { model: 'embed', input: ['x'], dimensions: 256, user: 'u1' }, 'float'],
  ])('%j', (body, request, encodingFormat) => {
    expect(decodeOpenAIEmbeddings(body)).toEqual({ request, encodingFormat });
  });

  it.each<[string, unknown, string | undefined, string]>([
    ['null body', null, undefined, 'expected an object'],
    ['missing input', { model: 'embed' }, 'input', 'required'],
    ['empty string input', { model: 'embed', input: '' }, 'input', 'must not be empty'],
    ['empty array input', { model: 'embed', input: [] }, 'input', 'must not be empty'],
    ['token array input', { model: 'embed', input: [1, 2, 3] }, 'input', 'token arrays are not supported'],
    ['nested token arrays', { model: 'embed', input: [[1, 2]] }, 'input', 'token arrays are not supported'],
    ['object input', { model: 'embed', input: { text: 'x' } }, 'input', 'expected a string or an array of strings'],
    ['unknown encoding', { model: 'embed', input: 'x', encoding_format: 'int8' }, 'encoding_format', "expected 'float' or 'base64'"],
    ['zero dimensions', { model: 'embed', input: 'x', dimensions: 0 }, 'dimensions', 'must be at least 1'],
  ])('rejects %s', (_name, body, param, message) => {
    const error = decodeError(body);
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe(param);
    expect(error.message).toContain(message);
  });
});

describe('encodeOpenAIEmbeddings', () => {
  const response = { model: 'upstream-embed', embeddings: [[0.5, -1.25], [3, 0]], usage: { inputTokens: 7, outputTokens: 0 } };

  it('encodes float vectors under the public model name', () => {
    expect(encodeOpenAIEmbeddings(response, 'embed', 'float')).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -1.25] },
        { object: 'embedding', index: 1, embedding: [3, 0] },
      ],
      model: 'embed',
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });

  it('encodes base64 as little-endian float32', () => {
    const text = encodeFloat32Base64([1, -2.5]);
    const bytes = Buffer.from(text, 'base64');
    expect(bytes.length).toBe(8);
    expect(bytes.readFloatLE(0)).toBe(1);
    expect(bytes.readFloatLE(4)).toBe(-2.5);
    // 1.0f is 0x3f800000: little-endian puts 0x00 first.
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(encodeOpenAIEmbeddings(response, 'embed', 'base64').data[0].embedding).toBe(encodeFloat32Base64([0.5, -1.25]));
  });
});
