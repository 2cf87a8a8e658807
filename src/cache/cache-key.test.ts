import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../canonical/types';
import { exactKey, semanticQuery, stableJson } from './cache-key';

const base = (): ChatRequest => ({
  model: 'chat',
  stream: false,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }] },
  ],
});

describe('exact cache key', () => {
  it.each<[string, (request: ChatRequest) => ChatRequest]>([
    ['stream', (request) => ({ ...request, stream: true })],
    ['user', (request) => ({ ...request, user: 'someone' })],
    ['surrounding whitespace', (request) => ({ ...request, messages: [{ role: 'system', content: ' Be brief.\n' }, { role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?  ' }] }] })],
    ['the order of keys in a tool schema', (request) => ({ ...request, tools: [{ name: 'calc', parameters: { type: 'object', properties: { b: { type: 'number' }, a: { type: 'number' } } } }] })],
  ])('ignores %s', (_what, change) => {
    const withTool = (request: ChatRequest): ChatRequest => (_what.includes('tool') ? { ...request, tools: [{ name: 'calc', parameters: { properties: { a: { type: 'number' }, b: { type: 'number' } }, type: 'object' } }] } : request);
    expect(exactKey('chat', 'key:a', change(base()))).toBe(exactKey('chat', 'key:a', withTool(base())));
  });

  it.each<[string, (request: ChatRequest) => ChatRequest]>([
    ['the question', (request) => ({ ...request, messages: [request.messages[0]!, { role: 'user', content: [{ type: 'text', text: 'What is 2 + 3?' }] }] })],
    ['the system prompt', (request) => ({ ...request, messages: [{ role: 'system', content: 'Be verbose.' }, request.messages[1]!] })],
    ['temperature', (request) => ({ ...request, temperature: 0.2 })],
    ['max tokens', (request) => ({ ...request, maxTokens: 10 })],
    ['top_p', (request) => ({ ...request, topP: 0.5 })],
    ['stop', (request) => ({ ...request, stop: ['\n'] })],
    ['seed', (request) => ({ ...request, seed: 7 })],
    ['the response format', (request) => ({ ...request, responseFormat: { type: 'json_object' } })],
    ['tools', (request) => ({ ...request, tools: [{ name: 'calc', parameters: {} }] })],
    ['tool choice', (request) => ({ ...request, toolChoice: 'required' })],
    ['an image', (request) => ({ ...request, messages: [request.messages[0]!, { role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }] }] })],
  ])('changes with %s', (_what, change) => {
    expect(exactKey('chat', 'key:a', change(base()))).not.toBe(exactKey('chat', 'key:a', base()));
  });

  it('differs by route and by namespace', () => {
    const key = exactKey('chat', 'key:a', base());
    expect(exactKey('other', 'key:a', base())).not.toBe(key);
    expect(exactKey('chat', 'key:b', base())).not.toBe(key);
    expect(exactKey('chat', '', base())).not.toBe(key);
  });

  it('does not depend on the ids a client made up for its tool calls, only on which call a result answers', () => {
    const conversation = (first: string, second: string, answered: string): ChatRequest => ({
      ...base(),
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Add and multiply 2 and 3.' }] },
        { role: 'assistant', content: [], toolCalls: [{ id: first, name: 'add', arguments: '{"a":2,"b":3}' }, { id: second, name: 'mul', arguments: '{"a":2,"b":3}' }] },
        { role: 'tool', toolCallId: answered, content: '5' },
      ],
    });
    expect(exactKey('chat', '', conversation('call_1', 'call_2', 'call_1'))).toBe(exactKey('chat', '', conversation('toolu_x', 'toolu_y', 'toolu_x')));
    expect(exactKey('chat', '', conversation('call_1', 'call_2', 'call_2'))).not.toBe(exactKey('chat', '', conversation('call_1', 'call_2', 'call_1')));
  });
});

describe('semantic query', () => {
  it('embeds the last user message and partitions by everything before it and the parameters', () => {
    const query = semanticQuery('chat', '', base())!;
    expect(query.question).toBe('What is 2 + 2?');
    const paraphrased = semanticQuery('chat', '', { ...base(), messages: [base().messages[0]!, { role: 'user', content: [{ type: 'text', text: 'what is two plus two' }] }] })!;
    expect(paraphrased.partition).toBe(query.partition);
    expect(semanticQuery('chat', '', { ...base(), temperature: 0 })!.partition).not.toBe(query.partition);
    expect(semanticQuery('chat', '', { ...base(), messages: [{ role: 'system', content: 'Be verbose.' }, base().messages[1]!] })!.partition).not.toBe(query.partition);
  });

  it('has nothing to embed when the last message is not plain user text', () => {
    expect(semanticQuery('chat', '', { ...base(), messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }] }] })).toBeUndefined();
    expect(semanticQuery('chat', '', { ...base(), messages: [...base().messages, { role: 'assistant', content: [{ type: 'text', text: '4' }] }] })).toBeUndefined();
  });
});

describe('stableJson', () => {
  it('sorts object keys at every depth and leaves arrays in order', () => {
    expect(stableJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(stableJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
