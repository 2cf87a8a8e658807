import type { ToolChoice, ToolDefinition } from '../../canonical/types';
import { convertToolParameters, newSchemaBudget, type SchemaBudget } from './convert-gemini-schema';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './gemini-api';

/** The tool fields of a Gemini request; both absent when the request offers no tools. */
export interface GeminiToolFields {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

/**
 * Canonical tools and tool choice → Gemini `tools` (one tool holding every function
 * declaration, as the API expects) and `toolConfig.functionCallingConfig`.
 * `required` becomes mode `ANY`; a named tool becomes `ANY` limited to that one name.
 * Gemini has no switch for parallel calls, so `parallelToolCalls` has nothing to map to.
 * The tools' schemas share `budget` (see `GEMINI_SCHEMA_LIMITS`); one past it is refused.
 */
export function convertGeminiTools(tools: ToolDefinition[] | undefined, toolChoice: ToolChoice | undefined, budget: SchemaBudget = newSchemaBudget()): GeminiToolFields {
  if (tools === undefined || tools.length === 0) return {};
  const functionDeclarations = tools.map((tool, index) => convertToolDefinition(tool, index, budget));
  const toolConfig = convertToolChoice(toolChoice);
  return { tools: [{ functionDeclarations }], ...(toolConfig === undefined ? {} : { toolConfig }) };
}

function convertToolDefinition(tool: ToolDefinition, index: number, budget: SchemaBudget): GeminiFunctionDeclaration {
  const param = `tools[${index}]`;
  // The name is the caller's; a long one is cut so that the message stays short.
  const name = tool.name.length > 64 ? `${tool.name.slice(0, 64)}…` : tool.name;
  const parameters = convertToolParameters(tool.parameters, { param, label: `the parameters schema of ${param} ('${name}')`, budget });
  return {
    name: tool.name,
    ...(tool.description === undefined || tool.description === '' ? {} : { description: tool.description }),
    ...(parameters === undefined ? {} : { parameters }),
  };
}

/** Undefined when the caller did not choose, so Gemini applies its own default (`AUTO`). */
export function convertToolChoice(toolChoice: ToolChoice | undefined): GeminiToolConfig | undefined {
  if (toolChoice === undefined) return undefined;
  if (toolChoice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (toolChoice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (toolChoice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [toolChoice.name] } };
}
