import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../errors';
import { MAX_PROMPT_CHARS, readCompleteInput, readDays, readPromptQuery } from './inputs';

function refusal(read: () => unknown): { code: string; param: string | undefined; message: string } {
  try {
    read();
  } catch (error) {
    if (isJunctionError(error)) return { code: error.code, param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readCompleteInput', () => {
  it.each([
    [{ prompt: 'hi' }, { prompt: 'hi', autoRoute: false }],
    [{ prompt: 'hi', auto_route: true, max_tokens: 5, tokenizer_id: 'o200k_base' }, { prompt: 'hi', autoRoute: true, maxTokens: 5, tokenizerId: 'o200k_base' }],
    [{ prompt: 'hi', auto_route: null, max_tokens: null, tokenizer_id: null }, { prompt: 'hi', autoRoute: false }],
    [{ prompt: 'a'.repeat(MAX_PROMPT_CHARS) }, { prompt: 'a'.repeat(MAX_PROMPT_CHARS), autoRoute: false }],
  ])('reads %o', (body, expected) => {
    expect(readCompleteInput(body)).toEqual(expected);
  });

  it.each([
    [{}, 'prompt'],
    [{ prompt: 3 }, 'prompt'],
    [{ prompt: '  ' }, 'prompt'],
    [{ prompt: 'a'.repeat(MAX_PROMPT_CHARS + 1) }, 'prompt'],
    [{ prompt: 'hi', max_tokens: -1 }, 'max_tokens'],
    [{ prompt: 'hi', max_tokens: '5' }, 'max_tokens'],
    [{ prompt: 'hi', auto_route: 1 }, 'auto_route'],
    [{ prompt: 'hi', tokenizer_id: 'gpt2' }, 'tokenizer_id'],
    [{ prompt: 'hi', model: 'gpt-4o' }, 'model'],
  ])('refuses %o, naming %s', (body, param) => {
    expect(refusal(() => readCompleteInput(body))).toMatchObject({ code: 'invalid_request', param, message: expect.stringMatching(new RegExp(`^${param}: `)) });
  });

  it.each([null, 'hi', 42, ['hi']])('refuses a body that is no object: %o', (body) => {
    expect(refusal(() => readCompleteInput(body))).toMatchObject({ code: 'invalid_request', param: undefined });
  });
});

describe('query values', () => {
  it.each([
    [{ prompt: 'hi' }, { prompt: 'hi', autoRoute: false }],
    [{ prompt: 'hi', auto_route: 'true' }, { prompt: 'hi', autoRoute: true }],
    [{ prompt: 'hi', auto_route: '0' }, { prompt: 'hi', autoRoute: false }],
    [{ prompt: 'hi', auto_route: '' }, { prompt: 'hi', autoRoute: false }],
  ])('reads the prompt query %o', (query, expected) => {
    expect(readPromptQuery(query)).toEqual(expected);
  });

  it.each([
    [{}, 'prompt'],
    [{ prompt: ['a', 'b'] }, 'prompt'],
    [{ prompt: 'hi', auto_route: 'yes' }, 'auto_route'],
  ])('refuses the prompt query %o, naming %s', (query, param) => {
    expect(refusal(() => readPromptQuery(query))).toMatchObject({ code: 'invalid_request', param });
  });

  it.each([
    [{}, 30],
    [{ days: '' }, 30],
    [{ days: '1' }, 1],
    [{ days: '366' }, 366],
  ])('reads days from %o', (query, days) => {
    expect(readDays(query)).toBe(days);
  });

  it.each(['0', '367', '-1', '1.5', '1e2', 'abc', ' 7'])('refuses days=%s', (days) => {
    expect(refusal(() => readDays({ days }))).toMatchObject({ code: 'invalid_request', param: 'days' });
  });
});
