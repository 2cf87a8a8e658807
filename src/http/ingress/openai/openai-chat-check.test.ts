import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertAgreesWithSchema, shapedJson } from '../../../../test/support/shaped-json';
import { decodeOpenAIChat } from './decode-openai-chat';
import { acceptsOpenAIChatRequest } from './openai-chat-check';
import { openAIChatRequestSchema } from './openai-chat-schema';

/** Chat Completions request bodies: every field of the schema, plus roles and types it refuses. */
function requestBodies(junk: boolean): fc.Arbitrary<Record<string, unknown>> {
  const { maybe, fields, pick, text, number } = shapedJson(junk);
  const record = (value: fc.Arbitrary<unknown>) => fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 2 });
  const textPart = fields({ type: maybe(fc.constant('text')), text: maybe(text) });
  const imagePart = fields({
    type: maybe(fc.constant('image_url')),
    image_url: maybe(fields({ url: maybe(text), detail: maybe(pick(['auto', 'low', 'high'], ['ultra'])) })),
  });
  const refusalPart = fields({ type: maybe(fc.constant('refusal')), refusal: maybe(text) });
  const content = (part: fc.Arbitrary<unknown>) => maybe(fc.oneof(text, fc.array(part, { maxLength: 3 })));
  const toolCall = fields({
    id: maybe(text),
    type: maybe(pick(['function'], ['custom'])),
    function: maybe(fields({ name: maybe(text), arguments: maybe(text) })),
  });
  const message = fc.oneof(
    fields({ role: fc.constantFrom('system', 'developer'), content: content(textPart), name: maybe(text) }),
    fields({ role: fc.constant('user'), content: content(fc.oneof(textPart, imagePart)), name: maybe(text) }),
    fields({
      role: fc.constant('assistant'),
      content: maybe(fc.oneof(fc.constant(null), text, fc.array(fc.oneof(textPart, refusalPart), { maxLength: 2 }))),
      tool_calls: maybe(fc.array(toolCall, { maxLength: 2 })),
      refusal: maybe(text),
      name: maybe(text),
    }),
    fields({ role: fc.constant('tool'), content: content(textPart), tool_call_id: maybe(text) }),
    ...(junk ? [fields({ role: fc.constantFrom('function', 'robot', 3), content: text })] : []),
  );
  const tool = fields({
    type: maybe(pick(['function'], ['custom'])),
    function: maybe(fields({ name: maybe(text), description: maybe(text), parameters: maybe(record(fc.jsonValue({ maxDepth: 1 }))), strict: maybe(fc.boolean()) })),
  });
  return fields({
    model: maybe(text),
    messages: maybe(fc.array(message, { maxLength: 3 })),
    tools: maybe(fc.array(tool, { maxLength: 2 })),
    tool_choice: maybe(fc.oneof(pick(['none', 'auto', 'required'], ['any']), fields({ type: maybe(fc.constant('function')), function: maybe(fields({ name: maybe(text) })) }))),
    parallel_tool_calls: maybe(fc.boolean()),
    max_tokens: maybe(number),
    max_completion_tokens: maybe(number),
    temperature: maybe(number),
    top_p: maybe(number),
    stop: maybe(fc.oneof(text, fc.array(maybe(text), { maxLength: 2 }))),
    seed: maybe(number),
    response_format: maybe(
      fc.oneof(
        fields({ type: pick(['text', 'json_object'], ['yaml']) }),
        fields({
          type: fc.constant('json_schema'),
          json_schema: maybe(fields({ name: maybe(text), description: maybe(text), schema: maybe(record(fc.jsonValue({ maxDepth: 1 }))), strict: maybe(fc.boolean()) })),
        }),
      ),
    ),
    stream: maybe(fc.boolean()),
    stream_options: maybe(fields({ include_usage: maybe(fc.boolean()), include_obfuscation: maybe(fc.boolean()) })),
    user: maybe(text),
    n: maybe(number),
    functions: maybe(fc.constant(null)),
    function_call: maybe(fc.constant(null)),
    frequency_penalty: maybe(number),
    presence_penalty: maybe(number),
    logit_bias: maybe(record(maybe(number))),
    logprobs: maybe(fc.boolean()),
    top_logprobs: maybe(number),
    metadata: maybe(record(maybe(text))),
    store: maybe(fc.boolean()),
    service_tier: maybe(text),
    reasoning_effort: maybe(text),
    verbosity: maybe(text),
    modalities: maybe(fc.array(maybe(text), { maxLength: 2 })),
    prediction: maybe(fields({ type: maybe(text) })),
    prompt_cache_key: maybe(text),
    safety_identifier: maybe(text),
  });
}

describe('acceptsOpenAIChatRequest', () => {
  it('accepts exactly what the schema accepts', () => {
    assertAgreesWithSchema(requestBodies, acceptsOpenAIChatRequest, openAIChatRequestSchema);
  });

  it.each([
    ['a plain chat', { model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }, true],
    ['an assistant turn with only tool calls', { model: 'gpt', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }] }, true],
    ['an assistant turn with neither content nor tool calls', { model: 'gpt', messages: [{ role: 'assistant', content: null }] }, false],
    ['n = 2', { model: 'gpt', messages: [{ role: 'user', content: 'hi' }], n: 2 }, false],
    ['a legacy functions list', { model: 'gpt', messages: [{ role: 'user', content: 'hi' }], functions: [] }, false],
    ['no messages', { model: 'gpt', messages: [] }, false],
    ['a name of null', { model: 'gpt', messages: [{ role: 'user', content: 'hi', name: null }] }, false],
    ['a key named like an Object method', { model: 'gpt', messages: [{ role: 'user', content: 'hi' }], toString: 1 }, true],
  ])('%s', (_name, value, expected) => {
    expect(acceptsOpenAIChatRequest(value)).toBe(expected);
    expect(openAIChatRequestSchema.safeParse(value).success).toBe(expected);
  });

  it('sends a tool schema with an own __proto__ key through zod, whose copy leaves it out', () => {
    const body = JSON.parse('{"model":"gpt","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"__proto__":{"x":1},"type":"object"}}}]}');
    expect(acceptsOpenAIChatRequest(body)).toBe(false);
    expect(decodeOpenAIChat(body).request.tools?.[0].parameters).toEqual({ type: 'object' });
  });
});
