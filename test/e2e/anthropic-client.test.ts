/**
 * The official `@anthropic-ai/sdk` client, unchanged, pointed at Junction, with Anthropic,
 * OpenAI and Gemini upstreams behind the route (cross-format).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startHarness();
  client = new Anthropic({ baseURL: harness.url, apiKey: 'caller-key', maxRetries: 0 });
});
afterAll(() => harness.close());

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
};

/** The event types in order, with runs of deltas collapsed, e.g. content_block_delta… */
function shape(events: Anthropic.RawMessageStreamEvent[]): string[] {
  const types: string[] = [];
  for (const event of events) {
    if (event.type === 'content_block_delta' && types.at(-1) === 'content_block_delta…') continue;
    types.push(event.type === 'content_block_delta' ? 'content_block_delta…' : event.type);
  }
  return types;
}

describe.each(['to-anthropic', 'to-openai', 'to-gemini'])('anthropic client → Junction → %s', (route) => {
  it('answers messages.create with text, usage and end_turn', async () => {
    const message = await client.messages.create({ model: route, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe(route);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content[0].type).toBe('text');
    expect((message.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams the exact Anthropic event sequence and the SDK rebuilds the message', async () => {
    const events: Anthropic.RawMessageStreamEvent[] = [];
    const stream = await client.messages.create({ model: route, max_tokens: 256, messages: [{ role: 'user', content: 'Tell me a story' }], stream: true });
    for await (const event of stream) events.push(event);
    expect(shape(events)).toEqual(['message_start', 'content_block_start', 'content_block_delta…', 'content_block_stop', 'message_delta', 'message_stop']);
    const delta = events.find((event) => event.type === 'message_delta') as Anthropic.RawMessageDeltaEvent;
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage.output_tokens).toBeGreaterThan(0);

    const final = await client.messages.stream({ model: route, max_tokens: 256, messages: [{ role: 'user', content: 'Tell me a story' }] }).finalMessage();
    expect((final.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(final.usage.input_tokens).toBeGreaterThan(0);
  });

  it('calls tools (tool_use blocks) plain and streamed, and takes tool results back', async () => {
    const message = await client.messages.create({ model: route, max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Rome for 4 days?' }] });
    expect(message.stop_reason).toBe('tool_use');
    const use = message.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(use.name).toBe('get_weather');
    expect(use.input).toMatchObject({ city: expect.any(String), days: expect.any(Number) });

    const events: Anthropic.RawMessageStreamEvent[] = [];
    const stream = await client.messages.create({ model: route, max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Rome?' }], stream: true });
    for await (const event of stream) events.push(event);
    const start = events.find((event) => event.type === 'content_block_start' && event.content_block.type === 'tool_use');
    expect(start).toBeDefined();
    expect(events.some((event) => event.type === 'content_block_delta' && event.delta.type === 'input_json_delta')).toBe(true);
    expect(events.at(-1)!.type).toBe('message_stop');

    const final = await client.messages.stream({ model: route, max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Rome?' }] }).finalMessage();
    const streamedUse = final.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(streamedUse.input).toMatchObject({ city: expect.any(String), days: expect.any(Number) });

    const answer = await client.messages.create({
      model: route,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Rome for 4 days?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"temperature": 25}' }] },
      ],
    });
    expect(answer.stop_reason).toBe('end_turn');
  });
});
