import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertAgreesWithSchema, shapedJson, shortArray } from '../../../test/support/shaped-json';
import { acceptsOpenAIChatChunk, acceptsOpenAIChatResponse } from './openai-answer-check';
import { openaiChatChunkSchema, openaiChatResponseSchema } from './openai-api';

const FIXTURES = new URL('./__fixtures__/', import.meta.url);

function usage({ maybe, fields, number }: ReturnType<typeof shapedJson>) {
  return fields({
    prompt_tokens: maybe(number),
    completion_tokens: maybe(number),
    total_tokens: maybe(number),
    prompt_tokens_details: maybe(fields({ cached_tokens: maybe(number) })),
    completion_tokens_details: maybe(fields({ reasoning_tokens: maybe(number) })),
  });
}

function answers(junk: boolean): fc.Arbitrary<unknown> {
  const shape = shapedJson(junk);
  const { maybe, fields, text, number } = shape;
  const toolCall = fields({ id: maybe(text), function: maybe(fields({ name: maybe(text), arguments: maybe(text) })), type: maybe(text) });
  const choice = fields({
    message: maybe(fields({ content: maybe(text), tool_calls: maybe(shortArray(toolCall)), refusal: maybe(text) })),
    finish_reason: maybe(text),
    index: maybe(number),
  });
  return fields({ id: maybe(text), created: maybe(number), model: maybe(text), choices: maybe(shortArray(choice)), usage: maybe(usage(shape)) }, 5);
}

function chunks(junk: boolean): fc.Arbitrary<unknown> {
  const shape = shapedJson(junk);
  const { maybe, fields, text, number } = shape;
  const toolCallDelta = fields({ index: maybe(number), id: maybe(text), type: maybe(text), function: maybe(fields({ name: maybe(text), arguments: maybe(text) })) });
  const choice = fields({
    delta: maybe(fields({ content: maybe(text), tool_calls: maybe(shortArray(toolCallDelta)), refusal: maybe(text) })),
    finish_reason: maybe(text),
    index: maybe(number),
  });
  return fields({ id: maybe(text), created: maybe(number), model: maybe(text), choices: maybe(shortArray(choice)), usage: maybe(usage(shape)) }, 5);
}

describe('OpenAI answer checks', () => {
  it('a whole chat completion: accepted exactly when the schema accepts it', () => {
    assertAgreesWithSchema(answers, acceptsOpenAIChatResponse, openaiChatResponseSchema);
  });

  it('a stream chunk: accepted exactly when the schema accepts it', () => {
    assertAgreesWithSchema(chunks, acceptsOpenAIChatChunk, openaiChatChunkSchema);
  });

  it('accepts every recorded answer and chunk, so real traffic takes the fast path', () => {
    for (const file of readdirSync(new URL('responses/', FIXTURES))) {
      expect(acceptsOpenAIChatResponse(JSON.parse(readFileSync(new URL(`responses/${file}`, FIXTURES), 'utf8'))), file).toBe(true);
    }
    for (const file of readdirSync(new URL('streams/', FIXTURES))) {
      const data = readFileSync(new URL(`streams/${file}`, FIXTURES), 'utf8').split('\n').filter((line) => line.startsWith('data: {'));
      expect(data.length, file).toBeGreaterThan(0);
      for (const line of data) expect(acceptsOpenAIChatChunk(JSON.parse(line.slice(6))), `${file}: ${line}`).toBe(true);
    }
  });
});
