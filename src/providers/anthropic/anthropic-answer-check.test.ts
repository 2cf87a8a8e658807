import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertAgreesWithSchema, shapedJson, shortArray, withOwnProto, withoutOne } from '../../../test/support/shaped-json';
import { anthropicFixtures, anthropicTarget } from './__fixtures__/anthropic-fixtures';
import { createAnthropicAdapter } from './anthropic-adapter';
import { acceptsAnthropicMessage, acceptsAnthropicStreamEvent } from './anthropic-answer-check';
import { anthropicMessageSchema, anthropicStreamEventSchema } from './anthropic-api';

const FIXTURES = new URL('./__fixtures__/', import.meta.url);

/** Generators shared by whole answers and stream events. */
function wire(junk: boolean, protoKeys = false) {
  const shape = shapedJson(junk);
  const { maybe, fields, text, number } = shape;
  // Now and then one field fewer: a required field missing is a near miss too.
  const holey = (value: fc.Arbitrary<Record<string, unknown>>) =>
    fc.oneof({ arbitrary: value, weight: 9 }, { arbitrary: fc.tuple(value, fc.nat()).map(([object, dice]) => withoutOne(object, dice)), weight: 1 });
  const plainRecord = fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
  const record = protoKeys ? fc.oneof({ arbitrary: plainRecord, weight: 3 }, { arbitrary: plainRecord.map((value) => withOwnProto(value, { city: 'Paris' })), weight: 1 }) : plainRecord;
  // Types Junction reads and types it reads past; a known type must have its own fields.
  const anyBlock = (types: string[]) =>
    fields({ type: maybe(fc.constantFrom(...types)), text: maybe(text), id: maybe(text), name: maybe(text), input: maybe(record), partial_json: maybe(text) }, 1);
  const usage = (first: string, second: string) =>
    holey(fields({ [first]: maybe(number), [second]: maybe(number), cache_creation_input_tokens: maybe(number), cache_read_input_tokens: maybe(number) }, 4));
  return { ...shape, holey, record, anyBlock, usage };
}

function answers(junk: boolean, protoKeys = false): fc.Arbitrary<unknown> {
  const { maybe, fields, pick, text, holey, record, anyBlock, usage } = wire(junk, protoKeys);
  const block = fc.oneof(
    holey(fields({ type: fc.constant('text'), text: maybe(text) })),
    holey(fields({ type: fc.constant('tool_use'), id: maybe(text), name: maybe(text), input: maybe(record) }, 4)),
    fields({ type: fc.constantFrom('thinking', 'redacted_thinking', 'server_tool_use'), thinking: maybe(text) }, 1),
    anyBlock(['text', 'tool_use', 'thinking']),
  );
  return holey(
    fields(
      {
        id: maybe(text),
        type: maybe(pick(['message'], ['error'])),
        role: maybe(pick(['assistant'], ['user'])),
        model: maybe(text),
        content: maybe(shortArray(block)),
        stop_reason: maybe(text),
        usage: maybe(usage('input_tokens', 'output_tokens')),
        stop_sequence: maybe(text),
      },
      7,
    ),
  );
}

function streamEvents(junk: boolean): fc.Arbitrary<unknown> {
  const { maybe, fields, text, number, holey, anyBlock, usage } = wire(junk);
  const index = maybe(number);
  const startedBlock = fc.oneof(
    holey(fields({ type: fc.constant('text'), text: maybe(text) })),
    holey(fields({ type: fc.constant('tool_use'), id: maybe(text), name: maybe(text), input: fc.constant({}) }, 3)),
    fields({ type: fc.constantFrom('thinking', 'server_tool_use'), thinking: maybe(text) }, 1),
    anyBlock(['text', 'tool_use', 'thinking']),
  );
  const delta = fc.oneof(
    holey(fields({ type: fc.constant('text_delta'), text: maybe(text) })),
    holey(fields({ type: fc.constant('input_json_delta'), partial_json: maybe(text) })),
    fields({ type: fc.constantFrom('thinking_delta', 'signature_delta', 'citations_delta'), thinking: maybe(text) }, 1),
    anyBlock(['text_delta', 'input_json_delta', 'thinking_delta']),
  );
  return fc.oneof(
    holey(fields({ type: fc.constant('message_start'), message: maybe(holey(fields({ id: maybe(text), model: maybe(text), usage: maybe(usage('input_tokens', 'output_tokens')) }, 3))) })),
    holey(fields({ type: fc.constant('content_block_start'), index, content_block: maybe(startedBlock) }, 3)),
    holey(fields({ type: fc.constant('content_block_delta'), index, delta: maybe(delta) }, 3)),
    holey(fields({ type: fc.constant('content_block_stop'), index })),
    holey(fields({ type: fc.constant('message_delta'), delta: maybe(fields({ stop_reason: maybe(text), stop_sequence: maybe(text) }, 1)), usage: maybe(usage('output_tokens', 'input_tokens')) }, 3)),
    fields({ type: fc.constantFrom('message_stop', 'ping') }, 1),
    holey(fields({ type: fc.constant('error'), error: maybe(holey(fields({ type: maybe(text), message: maybe(text) }))) })),
    // Not covered by the schema: the decoder skips these before checking.
    fields({ type: maybe(fc.constantFrom('message_pause', 'text')), index }, 1),
  );
}

describe('Anthropic answer checks', () => {
  it('a whole Message: accepted exactly when the schema accepts it', () => {
    assertAgreesWithSchema(answers, acceptsAnthropicMessage, anthropicMessageSchema);
  });

  it('a stream event: accepted exactly when the schema accepts it', () => {
    assertAgreesWithSchema(streamEvents, acceptsAnthropicStreamEvent, anthropicStreamEventSchema);
  });

  it('a Message it accepts reads as zod output does', () => {
    const adapter = createAnthropicAdapter({ now: () => 0 });
    let fast = 0;
    fc.assert(
      fc.property(answers(false, true), (value) => {
        const body = JSON.parse(JSON.stringify(value)) as unknown;
        const parsed = anthropicMessageSchema.safeParse(body);
        if (!parsed.success) return;
        if (acceptsAnthropicMessage(body)) fast++;
        expect(adapter.parseChatResponse(body, anthropicTarget)).toStrictEqual(adapter.parseChatResponse(parsed.data, anthropicTarget));
      }),
      { numRuns: 2_000 },
    );
    expect(fast).toBeGreaterThan(200);
  });

  it.each([
    ['a tool_use input with an own __proto__ key (zod drops it: the check defers)', JSON.parse('{"type":"tool_use","id":"t","name":"f","input":{"__proto__":{}}}'), false, true],
    ['a thinking block without its text', { type: 'thinking' }, true, true],
    ['a text block without text', { type: 'text', thinking: 'x' }, false, false],
    ['a block without a type', { text: 'x' }, false, false],
  ])('a Message with %s', (_name, block, fast, valid) => {
    const body = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [block], stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } };
    expect(acceptsAnthropicMessage(body)).toBe(fast);
    expect(anthropicMessageSchema.safeParse(body).success).toBe(valid);
  });

  it.each([
    ['a message_delta without stop_reason', { type: 'message_delta', delta: {}, usage: { output_tokens: 3 } }, true],
    ['a message_delta without usage', { type: 'message_delta', delta: { stop_reason: 'end_turn' } }, false],
    ['a signature_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'x' } }, true],
    ['an input_json_delta without partial_json', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta' } }, false],
    ['an event type the schema does not cover', { type: 'message_pause' }, false],
  ])('%s', (_name, event, expected) => {
    expect(acceptsAnthropicStreamEvent(event)).toBe(expected);
    expect(anthropicStreamEventSchema.safeParse(event).success).toBe(expected);
  });

  it('accepts every recorded answer and stream event, so real traffic takes the fast path', () => {
    const files = readdirSync(FIXTURES);
    const answerFiles = files.filter((file) => file.endsWith('.json'));
    const streamFiles = files.filter((file) => file.endsWith('.sse'));
    expect(answerFiles.length).toBeGreaterThan(0);
    expect(streamFiles.length).toBeGreaterThan(0);
    for (const file of answerFiles) {
      expect(acceptsAnthropicMessage(JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8'))), file).toBe(true);
    }
    for (const file of streamFiles) {
      const data = readFileSync(new URL(file, FIXTURES), 'utf8').split('\n').filter((line) => line.startsWith('data: {'));
      expect(data.length, file).toBeGreaterThan(0);
      for (const line of data) expect(acceptsAnthropicStreamEvent(JSON.parse(line.slice(6))), `${file}: ${line}`).toBe(true);
    }
  });

  it('refuses every recorded wrong-shape answer, as the schema does', () => {
    for (const body of anthropicFixtures.wrongShapeBodies) {
      expect(acceptsAnthropicMessage(body), JSON.stringify(body)).toBe(false);
      expect(anthropicMessageSchema.safeParse(body).success).toBe(false);
    }
  });
});
