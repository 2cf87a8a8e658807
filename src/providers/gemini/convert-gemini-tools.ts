import type { ToolChoice, ToolDefinition } from '../../canonical/types';
import { convertToolParameters } from './convert-gemini-schema';
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
 */
export function convertGeminiTools(tools: ToolDefinition[] | undefined, toolChoice: ToolChoice | undefined): GeminiToolFields {
  if (tools === undefined || tools.length === 0) return {};
  const functionDeclarations = tools.map(convertToolDefinition);
  const toolConfig = convertToolChoice(toolChoice);
  return { tools: [{ functionDeclarations }], ...(toolConfig === undefined ? {} : { toolConfig }) };
}

function convertToolDefinition(tool: ToolDefinition): GeminiFunctionDeclaration {
  const parameters = convertToolParameters(tool.parameters);
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
