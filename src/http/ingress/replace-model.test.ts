import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replaceModel, StreamModelRenamer } from './replace-model';

describe('replaceModel', () => {
  it('replaces the top-level model of compact and pretty-printed answers', () => {
    const compact = '{"id":"x","model":"gpt-4o-2024-08-06","choices":[]}';
    expect(JSON.parse(replaceModel(compact, 'my-route')!)).toEqual({ id: 'x', model: 'my-route', choices: [] });
    const pretty = JSON.stringify({ id: 'x', object: 'chat.completion', model: 'gpt-4o', choices: [] }, null, 2);
    expect(JSON.parse(replaceModel(pretty, 'r')!).model).toBe('r');
  });

  it('leaves nested "model" keys and look-alike strings alone', () => {
    const body = JSON.stringify({
      id: 'msg',
      content: [{ type: 'tool_use', input: { model: 'nested' } }, { type: 'text', text: '"model":"fake"' }],
      model: 'claude-x',
    });
    const replaced = JSON.parse(replaceModel(body, 'route')!);
    expect(replaced.model).toBe('route');
    expect(replaced.content[0].input.model).toBe('nested');
    expect(replaced.content[1].text).toBe('"model":"fake"');
  });

  it('finds the key one level in when asked (Anthropic message_start)', () => {
    const event = JSON.stringify({ type: 'message_start', message: { id: 'm', model: 'claude-x', content: [] } });
    expect(JSON.parse(replaceModel(event, 'route', 2)!).message.model).toBe('route');
    expect(replaceModel(event, 'route')).toBeUndefined();
  });

  it('escapes the new name and gives up when there is no string model', () => {
    expect(JSON.parse(replaceModel('{"model":"a"}', 'quote"d')!).model).toBe('quote"d');
    expect(replaceModel('{"model":null}', 'r')).toBeUndefined();
    expect(replaceModel('{"other":1}', 'r')).toBeUndefined();
  });

  it('changes nothing but the top-level model, for any JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), fc.string(), fc.string(), (rest, model, route, key) => {
        const original = { ...rest, model };
        const replaced = replaceModel(JSON.stringify(original, null, key.length % 3), route);
        expect(JSON.parse(replaced!)).toEqual(JSON.parse(JSON.stringify({ ...original, model: route })));
      }),
    );
  });
});

describe('StreamModelRenamer', () => {
  it('renames every chunk as replaceModel does, whether or not it begins like the last one', () => {
    const heads = fc.constantFrom('{"id":"a","model":"m1",', '{"id":"a","model":"m2",', '{"id":"b","model":"m1",', '{"model":"m1","id":"a",', '{"id":"a",');
    const chunk = fc.tuple(heads, fc.string(), fc.jsonValue()).map(([head, text, value]) => `${head}"text":${JSON.stringify(text)},"value":${JSON.stringify(value ?? null)}}`);
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 8 }), fc.string(), (chunks, route) => {
        const renamer = new StreamModelRenamer(route);
        for (const data of chunks) expect(renamer.rename(data)).toBe(replaceModel(data, route));
      }),
    );
  });
});
