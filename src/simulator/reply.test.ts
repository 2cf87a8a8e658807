import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countTokens as coreCount } from '../tokens/token-count';
import type { ChatCall, SimTool } from './reply';
import { chooseTool, countPromptTokens, countTokens, exampleFromSchema, generateReply, planAnswer, splitArguments, splitText } from './reply';

function call(overrides: Partial<ChatCall> = {}): ChatCall {
  return {
    model: 'sim-model',
    stream: false,
    framing: 'sse',
    includeUsage: false,
    promptText: 'What is the weather in Paris?',
    tools: [],
    toolChoice: 'auto',
    lastIsToolResult: false,
    ...overrides,
  };
}

const weather: SimTool = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const clock: SimTool = { name: 'get_time', parameters: { type: 'object', properties: {} } };

describe('exampleFromSchema', () => {
  it.each([
    ['string', { type: 'string' }, 'example'],
    ['integer', { type: 'integer' }, 1],
    ['number with a minimum', { type: 'number', minimum: 5 }, 5],
    ['boolean', { type: 'boolean' }, true],
    ['null', { type: 'null' }, null],
    ['enum', { type: 'string', enum: ['celsius', 'fahrenheit'] }, 'celsius'],
    ['const', { const: 42 }, 42],
    ['nullable type list', { type: ['null', 'string'] }, 'example'],
    ['anyOf skips null', { anyOf: [{ type: 'null' }, { type: 'number' }] }, 1],
    ['array', { type: 'array', items: { type: 'integer' } }, [1]],
    ['Gemini upper-case types', { type: 'OBJECT', properties: { n: { type: 'NUMBER' } }, required: ['n'] }, { n: 1 }],
    [
      'object with required and optional properties',
      {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { type: 'string' }, detail: { type: 'object', properties: { hourly: { type: 'boolean' } }, required: ['hourly'] } },
        required: ['city', 'days', 'detail'],
      },
      { city: 'example', days: 1, detail: { hourly: true } },
    ],
    ['no schema', undefined, {}],
  ])('%s', (_name, schema, expected) => {
    expect(exampleFromSchema(schema)).toEqual(expected);
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('splitting for streams', () => {
  it('splitText pieces concatenate back to the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(splitText(text).join('')).toBe(text);
      }),
    );
  });

  it('splitArguments fragments concatenate back to the JSON and never split a surrogate pair', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), (value) => {
        const json = JSON.stringify(value) ?? 'null';
        const fragments = splitArguments(json);
        expect(fragments.join('')).toBe(json);
        for (const fragment of fragments) expect(LONE_SURROGATE.test(fragment)).toBe(false);
      }),
    );
  });

  it('splits arguments into several fragments', () => {
    expect(splitArguments('{"city":"example"}').length).toBeGreaterThan(1);
  });

  it('keeps a surrogate pair on one side of a fragment boundary', () => {
    // 4 fragments of ceil(9 / 4) = 3 units: the naive cut would fall between the halves of the emoji.
    expect(splitArguments('ab\u{1F600}cdefg')).toEqual(['ab\u{1F600}', 'cde', 'fg']);
  });
});

describe('generateReply', () => {
  it('is deterministic and about replyTokens long', () => {
    const first = generateReply('gpt-4o', 'hello', 24);
    expect(generateReply('gpt-4o', 'hello', 24)).toBe(first);
    expect(first.startsWith('Simulated reply from gpt-4o:')).toBe(true);
    expect(countTokens(first)).toBe(24);
  });

  it('differs between prompts', () => {
    expect(generateReply('m', 'one prompt', 30)).not.toBe(generateReply('m', 'another prompt', 30));
  });

  it('still answers when replyTokens is smaller than the prefix', () => {
    expect(countTokens(generateReply('m', 'p', 2))).toBe(2);
  });
});

describe('countTokens', () => {
  it('treats special-token text in a prompt as plain text instead of throwing', () => {
    expect(countTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('counts offered tools as part of the prompt', () => {
    expect(countPromptTokens(call({ tools: [weather] }))).toBeGreaterThan(countPromptTokens(call()));
  });

  it('counts a prompt of 260 000 of one letter exactly, as the gateway does, without blocking', () => {
    // gpt-tokenizer's quadratic merge loop took about 40 s on this; the gateway's counter is
    // linear (its work is asserted in core/token-count.test.ts) and gives the same number.
    const promptText = 'a'.repeat(260_000);
    expect(countPromptTokens(call({ promptText }))).toBe(32_500);
    expect(countPromptTokens(call({ promptText }))).toBe(coreCount(promptText).tokens);
  });
});

describe('chooseTool', () => {
  it.each([
    ['no tools', call(), {}, undefined],
    ['tools offered, auto', call({ tools: [weather, clock] }), {}, 'get_weather'],
    ['forced tool', call({ tools: [weather, clock], toolChoice: { name: 'get_time' } }), {}, 'get_time'],
    ['forced tool that does not exist falls back to the first', call({ tools: [weather], toolChoice: { name: 'nope' } }), {}, 'get_weather'],
    ['tool choice none', call({ tools: [weather], toolChoice: 'none' }), {}, undefined],
    ['callTools false', call({ tools: [weather] }), { callTools: false }, undefined],
    ['last message is a tool result', call({ tools: [weather], lastIsToolResult: true }), {}, undefined],
  ])('%s', (_name, chatCall, behaviour, expected) => {
    expect(chooseTool(chatCall, behaviour)?.name).toBe(expected);
  });
});

describe('planAnswer', () => {
  it('answers a fixed reply with its token count', () => {
    const answer = planAnswer(call(), { reply: 'Hello world, this is fixed.' }, 7, 1, 1_700_000_000_500);
    expect(answer).toMatchObject({ kind: 'text', text: 'Hello world, this is fixed.', inputTokens: 7, created: 1_700_000_000, truncated: false });
    expect(answer.outputTokens).toBe(countTokens('Hello world, this is fixed.'));
  });

  it('cuts the reply at maxTokens', () => {
    const answer = planAnswer(call({ maxTokens: 3 }), { replyTokens: 20 }, 7, 1, 0);
    expect(answer).toMatchObject({ kind: 'text', outputTokens: 3, truncated: true });
  });

  it('calls the tool with arguments built from its schema, counting the arguments as output', () => {
    const answer = planAnswer(call({ tools: [weather] }), {}, 7, 1, 0);
    expect(answer).toMatchObject({ kind: 'tool-call', name: 'get_weather', input: { city: 'example' }, arguments: '{"city":"example"}' });
    expect(answer.outputTokens).toBe(countTokens('{"city":"example"}'));
  });
});
