import { describe, expect, it } from 'vitest';
import type { ToolChoice, ToolDefinition } from '../../canonical/types';
import { convertGeminiTools, convertToolChoice } from './convert-gemini-tools';
import type { GeminiToolConfig } from './gemini-api';

const search: ToolDefinition = { name: 'search', description: 'Search the web', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } };
const ping: ToolDefinition = { name: 'ping', description: '', parameters: { type: 'object', properties: {} } };

describe('convertToolChoice', () => {
  it.each<[ToolChoice | undefined, GeminiToolConfig | undefined]>([
    [undefined, undefined],
    ['auto', { functionCallingConfig: { mode: 'AUTO' } }],
    ['none', { functionCallingConfig: { mode: 'NONE' } }],
    ['required', { functionCallingConfig: { mode: 'ANY' } }],
    [{ name: 'search' }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['search'] } }],
  ])('%j → %j', (choice, expected) => {
    expect(convertToolChoice(choice)).toEqual(expected);
  });
});

describe('convertGeminiTools', () => {
  it.each([undefined, []])('no tools (%j): neither tools nor toolConfig, whatever the choice', (tools) => {
    expect(convertGeminiTools(tools, 'required')).toEqual({});
  });

  it('puts every function in one tool; a function without arguments or description gets neither', () => {
    expect(convertGeminiTools([search, ping], undefined)).toEqual({
      tools: [
        {
          functionDeclarations: [
            { name: 'search', description: 'Search the web', parameters: { type: 'OBJECT', properties: { q: { type: 'STRING' } }, required: ['q'] } },
            { name: 'ping' },
          ],
        },
      ],
    });
  });

  it('adds the tool config when a choice is made', () => {
    expect(convertGeminiTools([search], 'none').toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
  });
});
