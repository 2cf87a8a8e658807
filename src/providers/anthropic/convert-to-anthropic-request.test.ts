import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../routing/catalog';
import type { ChatRequest, ResponseFormat } from '../../canonical/types';
import { anthropicJsonInstruction } from './anthropic-json-instruction';
import { convertToAnthropicRequest, DEFAULT_ANTHROPIC_MAX_TOKENS } from './convert-to-anthropic-request';

const deployment: Deployment = {
  id: 'haiku@test',
  provider: 'test',
  model: 'claude-haiku-4-5',
  pricing: { inputPerMillion: 1, outputPerMillion: 5 },
  contextWindow: 200_000,
  capabilities: ['chat'],
  priority: 1,
  weight: 1,
  tags: {},
};

const base: ChatRequest = { model: 'route', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false };

describe('anthropicJsonInstruction', () => {
  it.each<{ format: ResponseFormat | undefined }>([{ format: undefined }, { format: { type: 'text' } }])('asks for nothing with $format', ({ format }) => {
    expect(anthropicJsonInstruction(format)).toBeUndefined();
  });

  it('asks for a JSON object for json_object', () => {
    expect(anthropicJsonInstruction({ type: 'json_object' })).toMatch(/JSON object/);
  });

  it('asks for JSON matching the schema, naming it, for json_schema', () => {
    const instruction = anthropicJsonInstruction({ type: 'json_schema', name: 'city', schema: { type: 'object', required: ['name'] } });
    expect(instruction).toContain('"city"');
    expect(instruction).toContain('{"type":"object","required":["name"]}');
  });
});

describe('convertToAnthropicRequest', () => {
  it('sends the minimum: model, max_tokens, messages', () => {
    expect(convertToAnthropicRequest(base, deployment)).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: DEFAULT_ANTHROPIC_MAX_TOKENS,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });

  it('maps sampling, stop, user and stream fields and drops seed', () => {
    const body = convertToAnthropicRequest({ ...base, temperature: 0, topP: 0.5, stop: ['END'], user: 'u-1', seed: 3, stream: true }, deployment);
    expect(body).toMatchObject({ temperature: 0, top_p: 0.5, stop_sequences: ['END'], metadata: { user_id: 'u-1' }, stream: true });
    expect(body).not.toHaveProperty('seed');
  });

  it('leaves out an empty stop list', () => {
    expect(convertToAnthropicRequest({ ...base, stop: [] }, deployment)).not.toHaveProperty('stop_sequences');
  });

  it.each([
    { name: 'without a system prompt', messages: base.messages, expectedPrefix: 'Respond with' },
    { name: 'after the system prompt', messages: [{ role: 'system' as const, content: 'Be exact.' }, ...base.messages], expectedPrefix: 'Be exact.\n\nRespond with' },
  ])('appends the JSON instruction $name', ({ messages, expectedPrefix }) => {
    const body = convertToAnthropicRequest({ ...base, messages, responseFormat: { type: 'json_object' } }, deployment);
    expect(body.system?.startsWith(expectedPrefix)).toBe(true);
  });
});
