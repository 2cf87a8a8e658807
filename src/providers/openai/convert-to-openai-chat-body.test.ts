import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/types';
import { convertToOpenAIChatBody } from './convert-to-openai-chat-body';

const base: ChatRequest = { model: 'route', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: false };
const tool = { name: 'lookup', parameters: { type: 'object' } };

describe('convertToOpenAIChatBody', () => {
  it('omits every optional field that the request leaves out', () => {
    expect(convertToOpenAIChatBody(base, 'm', 'max_completion_tokens')).toStrictEqual({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it.each([
    { choice: 'auto' as const, expected: 'auto' },
    { choice: 'none' as const, expected: 'none' },
    { choice: 'required' as const, expected: 'required' },
    { choice: { name: 'lookup' }, expected: { type: 'function', function: { name: 'lookup' } } },
  ])('maps tool choice $choice', ({ choice, expected }) => {
    expect(convertToOpenAIChatBody({ ...base, tools: [tool], toolChoice: choice }, 'm', 'max_tokens').tool_choice).toEqual(expected);
  });

  it('sends no tool choice or parallel flag without tools, which OpenAI would refuse', () => {
    const body = convertToOpenAIChatBody({ ...base, tools: [], toolChoice: 'required', parallelToolCalls: true }, 'm', 'max_tokens');
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it.each([
    { format: { type: 'text' as const }, expected: { type: 'text' } },
    { format: { type: 'json_object' as const }, expected: { type: 'json_object' } },
    { format: { type: 'json_schema' as const, name: 'n', schema: { type: 'object' } }, expected: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } } } },
    {
      format: { type: 'json_schema' as const, name: 'n', schema: {}, strict: false },
      expected: { type: 'json_schema', json_schema: { name: 'n', schema: {}, strict: false } },
    },
  ])('maps response format $format.type', ({ format, expected }) => {
    expect(convertToOpenAIChatBody({ ...base, responseFormat: format }, 'm', 'max_tokens').response_format).toStrictEqual(expected);
  });

  it('asks for usage in streams', () => {
    const body = convertToOpenAIChatBody({ ...base, stream: true }, 'm', 'max_tokens');
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('drops an empty stop list and keeps zero-valued numbers', () => {
    const body = convertToOpenAIChatBody({ ...base, stop: [], temperature: 0, seed: 0, maxTokens: 0 }, 'm', 'max_tokens');
    expect(body).not.toHaveProperty('stop');
    expect(body).toMatchObject({ temperature: 0, seed: 0, max_tokens: 0 });
  });
});
