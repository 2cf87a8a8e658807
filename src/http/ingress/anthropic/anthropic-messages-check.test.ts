import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertAgreesWithSchema, shapedJson, withOwnProto, withoutOne } from '../../../../test/support/shaped-json';
import { acceptsAnthropicMessagesRequest } from './anthropic-messages-check';
import { anthropicMessagesRequestSchema } from './anthropic-messages-schema';
import { decodeAnthropicMessages } from './decode-anthropic-messages';

/**
 * Messages request bodies: every field of the schema, plus roles, block types and tool choices
 * it refuses. With `protoKeys`, records passed on whole now and then carry an own `__proto__`
 * key, which zod accepts but drops from its output (the check sends those through zod).
 */
function requestBodies(junk: boolean, protoKeys = false): fc.Arbitrary<unknown> {
  const { maybe, fields, pick, text, number } = shapedJson(junk);
  const mostly = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: invalid, weight: 1 });
  // Now and then one field fewer: a required field missing is a near miss too.
  const holey = (shape: fc.Arbitrary<Record<string, unknown>>) => mostly(shape, fc.tuple(shape, fc.nat()).map(([value, dice]) => withoutOne(value, dice)));
  // Bounds are where checks go wrong; the shared numbers rarely land on 0.
  const bound = fc.oneof(number, fc.constantFrom(0, -1, 1.5));
  const plainRecord = fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
  const record = protoKeys ? fc.oneof({ arbitrary: plainRecord, weight: 3 }, { arbitrary: plainRecord.map((value) => withOwnProto(value, { type: 'string' })), weight: 1 }) : plainRecord;

  const textBlock = fields({ type: maybe(fc.constant('text')), text: maybe(text) });
  const imageSource = fc.oneof(
    holey(fields({ type: maybe(pick(['base64'], ['file'])), media_type: maybe(pick(['image/jpeg', 'image/png', 'image/gif', 'image/webp'], ['image/bmp'])), data: maybe(text) }, 3)),
    holey(fields({ type: maybe(pick(['url'], ['file'])), url: maybe(text) })),
  );
  const imageBlock = fields({ type: fc.constant('image'), source: maybe(imageSource) });
  const toolUseBlock = holey(fields({ type: fc.constant('tool_use'), id: maybe(text), name: maybe(text), input: maybe(record) }, 4));
  // Where only text is allowed, now and then a block of another type.
  const textContent = maybe(fc.oneof(text, fc.array(mostly(textBlock, fc.oneof(imageBlock, toolUseBlock)), { maxLength: 2 })));
  const toolResultBlock = holey(fields({ type: fc.constant('tool_result'), tool_use_id: maybe(text), content: textContent, is_error: maybe(fc.boolean()) }, 4));
  const thinkingBlock = fields({ type: fc.constantFrom('thinking', 'redacted_thinking'), thinking: maybe(text), signature: maybe(text) }, 1);
  const strangeBlock = fields({ type: fc.constantFrom('document', 'server_tool_use', 3) }, 1);
  // Each role's blocks, and now and then one that belongs to the other role or to no role.
  const userBlock = mostly(fc.oneof(textBlock, imageBlock, toolResultBlock), fc.oneof(toolUseBlock, thinkingBlock, strangeBlock));
  const assistantBlock = mostly(fc.oneof(textBlock, toolUseBlock, thinkingBlock), fc.oneof(imageBlock, toolResultBlock, strangeBlock));
  const message = fc.oneof(
    fields({ role: fc.constant('user'), content: maybe(fc.oneof(text, fc.array(userBlock, { maxLength: 2 }))) }),
    fields({ role: fc.constant('assistant'), content: maybe(fc.oneof(text, fc.array(assistantBlock, { maxLength: 2 }))) }),
    fields({ role: fc.constant('system'), content: textContent }),
    ...(junk ? [fields({ role: fc.constantFrom('tool', 'developer', 3), content: text })] : []),
  );
  const tool = holey(
    fields({ name: maybe(text), input_schema: maybe(record), type: maybe(pick(['custom'], ['web_search_20250305', ''])), description: maybe(text) }, 4),
  );
  // Every field on every type, so 'none' carries the flag the others may have.
  const toolChoice = holey(fields({ type: maybe(pick(['auto', 'any', 'tool', 'none'], ['required', 'function'])), name: maybe(text), disable_parallel_tool_use: maybe(fc.boolean()) }, 3));
  const body = fields(
    {
      model: maybe(text),
      max_tokens: maybe(number),
      messages: maybe(mostly(fc.array(message, { minLength: 1, maxLength: 2 }), fc.constant([]))),
      system: textContent,
      tools: maybe(fc.array(tool, { maxLength: 2 })),
      tool_choice: maybe(toolChoice),
      temperature: maybe(bound),
      top_p: maybe(bound),
      top_k: maybe(bound),
      stop_sequences: maybe(fc.array(maybe(text), { maxLength: 2 })),
      stream: maybe(fc.boolean()),
      metadata: maybe(fields({ user_id: maybe(text) }, 1)),
      output_config: maybe(fields({ effort: maybe(text), format: maybe(fields({ type: maybe(pick(['json_schema'], ['json_object'])), schema: maybe(record) })) })),
      thinking: maybe(fields({ type: maybe(text) }, 1)),
      service_tier: maybe(text),
    },
    3,
  );
  return holey(body);
}

type Outcome = { request: unknown } | { error: string };

function decodeOutcome(body: unknown): Outcome {
  try {
    return { request: decodeAnthropicMessages(body) };
  } catch (error) {
    return { error: String(error) };
  }
}

describe('acceptsAnthropicMessagesRequest', () => {
  it('accepts exactly what the schema accepts', () => {
    // A wide schema with near misses at every level: more runs, so that rare ones still come up.
    assertAgreesWithSchema(requestBodies, acceptsAnthropicMessagesRequest, anthropicMessagesRequestSchema, { runs: 8_000, atLeast: 800 });
  });

  it('decodes a body it accepts as the decoder decodes zod output', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(requestBodies(false, true), requestBodies(true, true)), (value) => {
        const body = JSON.parse(JSON.stringify(value)) as unknown;
        const parsed = anthropicMessagesRequestSchema.safeParse(body);
        if (!parsed.success) return;
        if (acceptsAnthropicMessagesRequest(body)) fast++;
        expect(decodeOutcome(body)).toStrictEqual(decodeOutcome(parsed.data));
      }),
      { numRuns: 3_000 },
    );
    expect(fast).toBeGreaterThan(300);
  });

  it.each([
    ['a plain chat', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }, true],
    ['no max_tokens', { model: 'claude', messages: [{ role: 'user', content: 'hi' }] }, false],
    ['a thinking block from an earlier turn', { model: 'claude', max_tokens: 64, messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 1 }] }] }, true],
    ['a tool_use block without input', { model: 'claude', max_tokens: 64, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f' }] }] }, false],
    ['a null is_error', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', is_error: null }] }] }, false],
    ['a tool_use block in a user turn', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] }, false],
    ['a server tool', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'web_search_20250305', name: 'web_search', input_schema: {} }] }, false],
    ['a null metadata user_id', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], metadata: { user_id: null } }, true],
    ['a null system', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], system: null }, false],
    ['a none tool choice with the parallel flag (stripped by zod)', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], tool_choice: { type: 'none', disable_parallel_tool_use: 'yes' } }, true],
    ['a key named like an Object method', { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], toString: 1 }, true],
  ])('%s', (_name, value, expected) => {
    expect(acceptsAnthropicMessagesRequest(value)).toBe(expected);
    expect(anthropicMessagesRequestSchema.safeParse(value).success).toBe(expected);
  });

  it('sends a passed-on record with an own __proto__ key through zod, which drops the key', () => {
    const body = JSON.parse('{"model":"claude","max_tokens":64,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"__proto__":{},"type":"object"}}]}') as unknown;
    expect(anthropicMessagesRequestSchema.safeParse(body).success).toBe(true);
    expect(acceptsAnthropicMessagesRequest(body)).toBe(false);
    expect(decodeAnthropicMessages(body).tools).toStrictEqual([{ name: 'f', parameters: { type: 'object' } }]);
  });

  it('reads disable_parallel_tool_use on a none choice as zod does: not at all', () => {
    const body = { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], tool_choice: { type: 'none', disable_parallel_tool_use: true } };
    expect(decodeAnthropicMessages(body)).not.toHaveProperty('parallelToolCalls');
  });
});
