import { describe, expect, it } from 'vitest';
import { formatParamPath, invalidRequest } from './invalid-request';

describe('formatParamPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], ''],
    [['model'], 'model'],
    [['messages', 1, 'content'], 'messages[1].content'],
    [['messages', 0, 'content', 2, 'image_url', 'url'], 'messages[0].content[2].image_url.url'],
    [['stop', 3], 'stop[3]'],
    [['metadata', 'team-id'], 'metadata.team-id'],
  ])('%j → %s', (path, expected) => {
    expect(formatParamPath(path)).toBe(expected);
  });
});

describe('invalidRequest', () => {
  it('names the field in both message and param', () => {
    const error = invalidRequest(['messages', 1, 'content'], 'expected a string');
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.param).toBe('messages[1].content');
    expect(error.message).toBe('messages[1].content: expected a string');
  });

  it('leaves param absent for the body as a whole', () => {
    const error = invalidRequest([], 'expected an object, got null');
    expect(error.param).toBeUndefined();
    expect(error.message).toBe('request body: expected an object, got null');
  });
});
