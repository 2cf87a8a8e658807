import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../errors';
import type { ImagePart, Message } from '../../canonical/types';
import { withThoughtSignature } from '../tool-call-id';
import { convertToGeminiContents, FOREIGN_THOUGHT_SIGNATURE, guessImageMimeType } from './convert-to-gemini-contents';
import type { GeminiPart } from './gemini-api';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string, toolCalls?: Array<{ id: string; name: string; arguments: string }>): Message => ({
  role: 'assistant',
  content: text === '' ? [] : [{ type: 'text', text }],
  ...(toolCalls === undefined ? {} : { toolCalls }),
});

function errorOf(messages: Message[]): { code: string; param?: string } {
  try {
    convertToGeminiContents(messages);
  } catch (error) {
    if (isJunctionError(error)) return { code: error.code, param: error.param };
    throw error;
  }
  throw new Error('expected a throw');
}

describe('convertToGeminiContents', () => {
  it('gathers system messages from anywhere, in order, and leaves empty ones out', () => {
    const result = convertToGeminiContents([{ role: 'system', content: 'A' }, user('hi'), { role: 'system', content: '' }, { role: 'system', content: 'B' }]);
    expect(result.systemInstruction).toEqual({ parts: [{ text: 'A' }, { text: 'B' }] });
    expect(result.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });

  it('has no systemInstruction without system messages', () => {
    expect(convertToGeminiContents([user('hi')])).not.toHaveProperty('systemInstruction');
  });

  it('merges consecutive turns of one role and maps assistant to model', () => {
    expect(convertToGeminiContents([user('a'), user('b'), assistant('c'), assistant('d'), user('e')]).contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }, { text: 'd' }] },
      { role: 'user', parts: [{ text: 'e' }] },
    ]);
  });

  it('skips an assistant turn with nothing in it', () => {
    expect(convertToGeminiContents([user('a'), assistant(''), user('b')]).contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });

  it('answers tool results by the name of the nearest earlier call with that id', () => {
    const messages: Message[] = [
      user('go'),
      assistant('', [{ id: 'call_0', name: 'first', arguments: '{}' }]),
      { role: 'tool', toolCallId: 'call_0', content: '1' },
      assistant('', [{ id: 'call_0', name: 'second', arguments: '{"n":2}' }]),
      { role: 'tool', toolCallId: 'call_0', content: '[1,2]' },
    ];
    expect(convertToGeminiContents(messages).contents).toEqual([
      { role: 'user', parts: [{ text: 'go' }] },
      { role: 'model', parts: [{ functionCall: { name: 'first', args: {} }, thoughtSignature: FOREIGN_THOUGHT_SIGNATURE }] },
      { role: 'user', parts: [{ functionResponse: { name: 'first', response: { result: 1 } } }] },
      { role: 'model', parts: [{ functionCall: { name: 'second', args: { n: 2 } }, thoughtSignature: FOREIGN_THOUGHT_SIGNATURE }] },
      { role: 'user', parts: [{ functionResponse: { name: 'second', response: { result: [1, 2] } } }] },
    ]);
  });

  it.each<[string, string, boolean | undefined, Record<string, unknown>]>([
    ['JSON object', '{"ok":true}', undefined, { result: { ok: true } }],
    ['plain text', 'done', undefined, { result: 'done' }],
    ['JSON-looking but broken', '{"ok":', undefined, { result: '{"ok":' }],
    ['failure', '{"reason":"timeout"}', true, { error: { reason: 'timeout' } }],
  ])('tool result as %s', (_name, content, isError, response) => {
    const messages: Message[] = [assistant('', [{ id: 'c', name: 'f', arguments: '{}' }]), { role: 'tool', toolCallId: 'c', content, ...(isError === undefined ? {} : { isError }) }];
    expect(convertToGeminiContents(messages).contents[1]).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'f', response } }] });
  });

  it.each<[string, Message[], { code: string; param: string }]>([
    ['a result for an unknown call', [user('x'), { role: 'tool', toolCallId: 'nope', content: '' }], { code: 'invalid_request', param: 'messages[1].toolCallId' }],
    ['a result for a later call', [{ role: 'tool', toolCallId: 'c', content: '' }, assistant('', [{ id: 'c', name: 'f', arguments: '{}' }])], { code: 'invalid_request', param: 'messages[0].toolCallId' }],
    ['arguments that are not JSON', [assistant('', [{ id: 'c', name: 'f', arguments: '{oops' }])], { code: 'invalid_request', param: 'messages[0].toolCalls[0].arguments' }],
    ['arguments that are an array', [user('x'), assistant('', [{ id: 'a', name: 'f', arguments: '{}' }, { id: 'b', name: 'g', arguments: '[1]' }])], { code: 'invalid_request', param: 'messages[1].toolCalls[1].arguments' }],
  ])('refuses %s', (_name, messages, expected) => {
    expect(errorOf(messages)).toEqual(expected);
  });

  it('reads empty arguments as no arguments', () => {
    expect(convertToGeminiContents([assistant('', [{ id: 'c', name: 'f', arguments: '  ' }])]).contents[0].parts).toEqual([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: FOREIGN_THOUGHT_SIGNATURE },
    ]);
  });

  it('gives each call back the thought signature its id carries, exactly, and matches results by the whole id', () => {
    const signature = 'CiQBjz1rX+/w==';
    const first = withThoughtSignature('call_0', signature);
    const messages: Message[] = [
      user('go'),
      assistant('checking', [
        { id: first, name: 'a', arguments: '{}' },
        { id: 'call_1', name: 'b', arguments: '{}' },
      ]),
      { role: 'tool', toolCallId: first, content: '1' },
      { role: 'tool', toolCallId: 'call_1', content: '2' },
    ];
    expect(convertToGeminiContents(messages).contents.slice(1)).toEqual([
      // Parallel calls: Gemini signs only the first, and the second goes back as it came, unsigned.
      { role: 'model', parts: [{ text: 'checking' }, { functionCall: { name: 'a', args: {} }, thoughtSignature: signature }, { functionCall: { name: 'b', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'a', response: { result: 1 } } }, { functionResponse: { name: 'b', response: { result: 2 } } }] },
    ]);
  });

  it("signs with the stand-in only a step whose first call carries no signature (another provider's calls)", () => {
    const parts = convertToGeminiContents([
      assistant('', [
        { id: 'toolu_01', name: 'a', arguments: '{}' },
        { id: 'toolu_02', name: 'b', arguments: '{}' },
      ]),
    ]).contents[0].parts;
    expect(parts).toEqual([{ functionCall: { name: 'a', args: {} }, thoughtSignature: FOREIGN_THOUGHT_SIGNATURE }, { functionCall: { name: 'b', args: {} } }]);
  });

  it.each<[string, ImagePart['source'], GeminiPart]>([
    ['base64', { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
    ['URL', { kind: 'url', url: 'https://example.com/a.gif' }, { fileData: { mimeType: 'image/gif', fileUri: 'https://example.com/a.gif' } }],
    ['data URL', { kind: 'url', url: 'data:image/webp;base64,UklGRg==' }, { inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } }],
  ])('image given as %s', (_name, source, part) => {
    expect(convertToGeminiContents([{ role: 'user', content: [{ type: 'image', source }] }]).contents[0].parts).toEqual([part]);
  });
});

describe('guessImageMimeType', () => {
  it.each([
    ['https://example.com/cat.png', 'image/png'],
    ['https://example.com/cat.JPG', 'image/jpeg'],
    ['https://example.com/cat.jpeg?w=200#top', 'image/jpeg'],
    ['https://example.com/cat.webp', 'image/webp'],
    ['https://example.com/cat.heic', 'image/heic'],
    ['https://example.com/pic.gif?format=png', 'image/gif'],
    ['https://generativelanguage.googleapis.com/v1beta/files/abc123', 'image/jpeg'],
    ['gs://bucket/photo.png', 'image/png'],
    ['photo.heif', 'image/heif'],
    ['https://example.com/file.pdf', 'image/jpeg'],
  ])('%s → %s', (url, mimeType) => {
    expect(guessImageMimeType(url)).toBe(mimeType);
  });
});
