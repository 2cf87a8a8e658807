import type { ChatRequest, ResponseFormat } from '../../canonical/types';
import { convertJsonSchemaToGeminiSchema, newSchemaBudget, type SchemaBudget } from './convert-gemini-schema';
import { convertGeminiTools } from './convert-gemini-tools';
import { convertToGeminiContents } from './convert-to-gemini-contents';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig } from './gemini-api';

/**
 * A canonical chat request → the `generateContent` body (the streamed call takes the same body).
 * Empty fields are left out rather than sent empty. `user` has no Gemini counterpart and the
 * model travels in the URL, not the body. The tool and response schemas share one budget of
 * expanded nodes; a request past it is refused as the caller's error (`invalid_request`).
 */
export function convertToGeminiRequest(request: ChatRequest): GeminiGenerateContentRequest {
  const { systemInstruction, contents } = convertToGeminiContents(request.messages);
  const budget = newSchemaBudget();
  const tools = convertGeminiTools(request.tools, request.toolChoice, budget);
  const generationConfig = convertGenerationConfig(request, budget);
  return {
    contents,
    ...(systemInstruction === undefined ? {} : { systemInstruction }),
    ...tools,
    ...(Object.keys(generationConfig).length === 0 ? {} : { generationConfig }),
  };
}

export function convertGenerationConfig(request: ChatRequest, budget: SchemaBudget = newSchemaBudget()): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.seed !== undefined) config.seed = request.seed;
  return { ...config, ...convertResponseFormat(request.responseFormat, budget) };
}

function convertResponseFormat(format: ResponseFormat | undefined, budget: SchemaBudget): GeminiGenerationConfig {
  if (format === undefined || format.type === 'text') return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  // `responseSchema` (the OpenAPI subset) rather than `responseJsonSchema`: the same conversion as
  // tool parameters, accepted by every Gemini model that supports JSON mode.
  const source = { param: 'response_format', label: 'the response_format schema', budget };
  return { responseMimeType: 'application/json', responseSchema: convertJsonSchemaToGeminiSchema(format.schema, source) };
}
