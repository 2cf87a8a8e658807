import { describe, expect, it } from 'vitest';
import type { ChatRequest, ToolDefinition } from '../../canonical/types';
import type { AnthropicToolChoice } from './anthropic-api';
import { prepareAnthropicTools } from './prepare-anthropic-tools';

const tools: ToolDefinition[] = [
  { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'now', parameters: { type: 'object', properties: {} } },
];

describe('prepareAnthropicTools', () => {
  it('maps tools to name, description and input_schema, leaving out a missing description', () => {
    expect(prepareAnthropicTools({ tools }).tools).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it.each<{ name: string; toolChoice: ChatRequest['toolChoice']; parallelToolCalls?: boolean; expected: AnthropicToolChoice | undefined }>([
    { name: 'no choice', toolChoice: undefined, expected: undefined },
    { name: 'auto', toolChoice: 'auto', expected: { type: 'auto' } },
    { name: 'required', toolChoice: 'required', expected: { type: 'any' } },
    { name: 'none', toolChoice: 'none', expected: { type: 'none' } },
    { name: 'a named tool', toolChoice: { name: 'now' }, expected: { type: 'tool', name: 'now' } },
    { name: 'parallel allowed', toolChoice: 'auto', parallelToolCalls: true, expected: { type: 'auto' } },
    { name: 'no choice, no parallel calls', toolChoice: undefined, parallelToolCalls: false, expected: { type: 'auto', disable_parallel_tool_use: true } },
    { name: 'required, no parallel calls', toolChoice: 'required', parallelToolCalls: false, expected: { type: 'any', disable_parallel_tool_use: true } },
    { name: 'named, no parallel calls', toolChoice: { name: 'now' }, parallelToolCalls: false, expected: { type: 'tool', name: 'now', disable_parallel_tool_use: true } },
    { name: 'none, no parallel calls (the API takes no flag on none)', toolChoice: 'none', parallelToolCalls: false, expected: { type: 'none' } },
  ])('tool choice: $name', ({ toolChoice, parallelToolCalls, expected }) => {
    expect(prepareAnthropicTools({ tools, toolChoice, parallelToolCalls }).tool_choice).toEqual(expected);
  });

  it.each([
    { name: 'absent', tools: undefined },
    { name: 'empty', tools: [] },
  ])('with tools $name, neither tools nor a choice is sent', ({ tools: none }) => {
    expect(prepareAnthropicTools({ tools: none, toolChoice: 'required', parallelToolCalls: false })).toEqual({});
  });
});
