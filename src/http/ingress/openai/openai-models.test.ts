import { describe, expect, it } from 'vitest';
import { encodeOpenAIModel, encodeOpenAIModelList } from './openai-models';

describe('encodeOpenAIModelList', () => {
  it('lists route names in order as junction-owned models', () => {
    expect(encodeOpenAIModelList(['chat-fast', 'gpt-4o'], 1_700_000_000)).toEqual({
      object: 'list',
      data: [
        { id: 'chat-fast', object: 'model', created: 1_700_000_000, owned_by: 'junction' },
        { id: 'gpt-4o', object: 'model', created: 1_700_000_000, owned_by: 'junction' },
      ],
    });
  });

  it('encodes an empty catalogue and a single model', () => {
    expect(encodeOpenAIModelList([], 5)).toEqual({ object: 'list', data: [] });
    expect(encodeOpenAIModel('auto', 9)).toEqual({ id: 'auto', object: 'model', created: 9, owned_by: 'junction' });
  });
});
