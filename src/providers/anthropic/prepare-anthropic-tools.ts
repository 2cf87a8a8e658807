import type { ChatRequest, ToolChoice } from '../../canonical/types';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-api';

/** The `tools` / `tool_choice` part of an Anthropic request body; both absent when no tools are offered. */
export interface AnthropicToolSettings {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

/**
 * Canonical tools, tool choice and parallel-call flag → Anthropic's. Anthropic carries "no
 * parallel calls" on the tool choice, so `parallelToolCalls: false` without a choice becomes
 * an explicit `auto` choice carrying the flag. A choice without tools is dropped: the API
 * rejects `tool_choice` when `tools` is absent, and with no tools no tool can be called anyway.
 */
export function prepareAnthropicTools(request: Pick<ChatRequest, 'tools' | 'toolChoice' | 'parallelToolCalls'>): AnthropicToolSettings {
  const { tools, parallelToolCalls } = request;
  if (tools === undefined || tools.length === 0) return {};

  const anthropicTools: AnthropicTool[] = tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: tool.parameters,
  }));

  const choice = request.toolChoice ?? (parallelToolCalls === false ? 'auto' : undefined);
  if (choice === undefined) return { tools: anthropicTools };
  return { tools: anthropicTools, tool_choice: convertToolChoice(choice, parallelToolCalls === false) };
}

function convertToolChoice(choice: ToolChoice, disableParallel: boolean): AnthropicToolChoice {
  if (choice === 'none') return { type: 'none' };
  const flag = disableParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === 'auto') return { type: 'auto', ...flag };
  if (choice === 'required') return { type: 'any', ...flag };
  return { type: 'tool', name: choice.name, ...flag };
}
