import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/types';
import { convertGenerationConfig, convertToGeminiRequest } from './convert-to-gemini-request';
import type { GeminiGenerationConfig } from './gemini-api';

const base: ChatRequest = { model: 'chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: false };

describe('convertGenerationConfig', () => {
  it.each<[string, Partial<ChatRequest>, GeminiGenerationConfig]>([
    ['nothing set', {}, {}],
    ['sampling and limits', { maxTokens: 100, temperature: 0, topP: 1, seed: 0 }, { maxOutputTokens: 100, temperature: 0, topP: 1, seed: 0 }],
    ['stop sequences', { stop: ['END', '###'] }, { stopSequences: ['END', '###'] }],
    ['empty stop list left out', { stop: [] }, {}],
    ['text format adds nothing', { responseFormat: { type: 'text' } }, {}],
    ['JSON object', { responseFormat: { type: 'json_object' } }, { responseMimeType: 'application/json' }],
    [
      'JSON schema, converted',
      { responseFormat: { type: 'json_schema', name: 'n', schema: { type: 'object', properties: { n: { type: 'number' } }, additionalProperties: false } } },
      { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { n: { type: 'NUMBER' } } } },
    ],
  ])('%s', (_name, fields, expected) => {
    expect(convertGenerationConfig({ ...base, ...fields })).toEqual(expected);
  });
});

describe('convertToGeminiRequest', () => {
  it('leaves out every empty section', () => {
    expect(convertToGeminiRequest({ ...base, tools: [], user: 'someone', parallelToolCalls: false })).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('is the same body whether streamed or not', () => {
    expect(convertToGeminiRequest({ ...base, stream: true })).toEqual(convertToGeminiRequest(base));
  });
});
