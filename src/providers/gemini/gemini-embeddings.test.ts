import { describe, expect, it } from 'vitest';
import type { EmbeddingRequest } from '../../canonical/types';
import { convertToGeminiEmbeddingRequest, estimateTokens, parseGeminiEmbeddingResponse } from './gemini-embeddings';
import type { GeminiBatchEmbedContentsRequest } from './gemini-api';

describe('convertToGeminiEmbeddingRequest', () => {
  it.each<[string, EmbeddingRequest, GeminiBatchEmbedContentsRequest]>([
    [
      'one entry per text, in order',
      { model: 'embed', input: ['a', 'b'] },
      { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } }, { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } }] },
    ],
    [
      'dimensions on every entry',
      { model: 'embed', input: ['a'], dimensions: 768, user: 'u' },
      { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 768 }] },
    ],
    ['no input, no entries', { model: 'embed', input: [] }, { requests: [] }],
  ])('%s', (_name, request, expected) => {
    expect(convertToGeminiEmbeddingRequest(request, 'gemini-embedding-001')).toEqual(expected);
  });
});

describe('parseGeminiEmbeddingResponse', () => {
  it('keeps the vectors in order and names the deployment model', () => {
    const response = parseGeminiEmbeddingResponse({ embeddings: [{ values: [0.5] }, { values: [-0.5] }] }, 'gemini-embedding-001');
    expect(response).toEqual({ model: 'gemini-embedding-001', embeddings: [[0.5], [-0.5]], usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it('estimates input tokens from the request texts', () => {
    const request: EmbeddingRequest = { model: 'embed', input: ['The cat sat on the mat.', 'A dog barked.'] };
    const response = parseGeminiEmbeddingResponse({ embeddings: [{ values: [1] }, { values: [2] }] }, 'm', request);
    expect(response.usage.inputTokens).toBe(estimateTokens(request.input));
    expect(response.usage.inputTokens).toBeGreaterThan(5);
  });
});

describe('estimateTokens', () => {
  it.each<[string[], number]>([
    [[], 0],
    [[''], 0],
    [['hello world'], 2],
    [['hello world', 'hello world'], 4],
  ])('%j → %i', (texts, count) => {
    expect(estimateTokens(texts)).toBe(count);
  });

  it('counts special-token text as text instead of throwing', () => {
    expect(estimateTokens(['a <|endoftext|> b'])).toBeGreaterThan(3);
  });

  it('counts long runs without spaces in linear time, within one limit for all the texts', () => {
    // 100 000 of one letter: 12 500 tokens, for which gpt-tokenizer's encode took seconds.
    expect(estimateTokens(['a'.repeat(100_000)])).toBe(12_500);
    // The texts share the exact-count limits rather than each having its own, so the work for
    // many is bounded too: 300 000 bytes of such runs are merged (three texts of 25 000 tokens
    // each), and the other texts are bounded by their bytes.
    const many = Array.from({ length: 40 }, () => 'b'.repeat(100_000));
    expect(estimateTokens(many)).toBe(3 * 25_000 + 37 * 100_000);
  });
});
