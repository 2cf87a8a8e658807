/**
 * Gemini wire format: generateContent, streamGenerateContent (`alt=sse` events, otherwise one
 * streamed JSON array) and batchEmbedContents, with Google's error shape
 * `{ error: { code, message, status } }`. The model comes from the path.
 */
import { badRequest, headerValue, isRecord, truncateJson, WRONG_SHAPE_BODY } from './dialect';
import type { EmbedInput, EmbeddingDialect } from './dialect';
import { DEFAULT_EMBEDDING_DIMENSIONS } from './embedding';
import { splitText } from './reply';
import type { Answer, ChatCall, SimTool, SimToolChoice } from './reply';

const STATUSES: Record<number, [status: string, message: string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'API key not valid. Please pass a valid API key.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission.'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  499: ['CANCELLED', 'The operation was cancelled.'],
  500: ['INTERNAL', 'An internal error has occurred.'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
};

function errorJson(code: number, message: string | undefined): string {
  const [status, fallback] = STATUSES[code] ?? (code >= 500 ? STATUSES[500] : STATUSES[400]);
  return JSON.stringify({ error: { code, message: message ?? fallback, status } });
}

export const geminiDialect: EmbeddingDialect = {
  format: 'gemini',

  authorised(headers, route, apiKey) {
    if (headerValue(headers, 'x-goog-api-key') === apiKey) return true;
    return route.query.length > 0 && new URLSearchParams(route.query).get('key') === apiKey;
  },

  parseChat(body, route) {
    if (!isRecord(body)) return badRequest('Invalid JSON payload received. Expected an object.');
    if (route.model === undefined || route.model.length === 0) return badRequest('Model name is required in the path.');
    if (!Array.isArray(body.contents) || body.contents.length === 0) return badRequest('* GenerateContentRequest.contents: contents is not specified');
    const texts: string[] = [];
    const system = body.systemInstruction ?? body.system_instruction;
    if (isRecord(system)) collectParts(system.parts, texts);
    for (const content of body.contents) {
      if (!isRecord(content)) return badRequest('* GenerateContentRequest.contents: each content must be an object');
      collectParts(content.parts, texts);
    }
    const unsigned = findUnsignedCall(body.contents as Record<string, unknown>[]);
    if (unsigned !== undefined) return badRequest(unsigned);
    const last = body.contents[body.contents.length - 1] as Record<string, unknown>;
    const config = isRecord(body.generationConfig) ? body.generationConfig : undefined;
    const call: ChatCall = {
      model: route.model,
      stream: route.stream === true,
      framing: route.query.length > 0 && new URLSearchParams(route.query).get('alt') === 'sse' ? 'sse' : 'json-array',
      includeUsage: false,
      promptText: texts.join('\n'),
      tools: parseTools(body.tools),
      toolChoice: parseToolChoice(body.toolConfig ?? body.tool_config),
      lastIsToolResult: Array.isArray(last.parts) && last.parts.some((part) => isRecord(part) && isRecord(part.functionResponse)),
    };
    if (config !== undefined && typeof config.maxOutputTokens === 'number') call.maxTokens = config.maxOutputTokens;
    return { ok: true, value: call };
  },

  renderChat(answer) {
    return JSON.stringify(responseChunk(answer, answer.kind === 'text' ? [{ text: answer.text }] : [functionCallPart(answer)], true));
  },

  streamFrames(answer, call, unfinished) {
    const chunks: unknown[] = [];
    // Gemini has no end marker: an unfinished stream is one whose body ends cleanly with no
    // chunk carrying a finishReason (nor the final usage).
    const finishes = unfinished === undefined;
    if (answer.kind === 'tool-call') {
      // Gemini sends a function call whole, in one chunk, never as argument fragments.
      chunks.push(responseChunk(answer, [functionCallPart(answer)], finishes));
    } else {
      const pieces = splitText(answer.text);
      if (pieces.length === 0) pieces.push('');
      pieces.forEach((piece, index) => chunks.push(responseChunk(answer, [{ text: piece }], finishes && index === pieces.length - 1)));
    }
    if (unfinished === 'start') chunks.length = 0;
    if (unfinished === 'early') chunks.length = 1;
    if (call.framing !== 'sse' && chunks.length === 0) return ['[]'];
    if (call.framing === 'sse') return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`);
    const frames = chunks.map((chunk, index) => (index === 0 ? '[' : ',\r\n') + JSON.stringify(chunk));
    frames.push(']');
    return frames;
  },

  streamContentType(call) {
    return call.framing === 'sse' ? 'text/event-stream' : 'application/json; charset=UTF-8';
  },

  errorBody(status, message) {
    return errorJson(status, message);
  },

  contextLengthError(inputTokens, limit) {
    return { status: 400, body: errorJson(400, `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${limit}).`) };
  },

  wrongShapeStream(call) {
    return call.framing === 'sse' ? `data: ${WRONG_SHAPE_BODY}\r\n\r\n` : `[${WRONG_SHAPE_BODY}]`;
  },

  malformedStream(call) {
    const broken = truncateJson('{"candidates":[{"content":{"parts":[{"text":"x"}],"role":"model"},"index":0}]}');
    return call.framing === 'sse' ? `data: ${broken}\r\n\r\n` : `[${broken}`;
  },

  parseEmbed(body, route) {
    if (!isRecord(body)) return badRequest('Invalid JSON payload received. Expected an object.');
    if (route.model === undefined || route.model.length === 0) return badRequest('Model name is required in the path.');
    if (!Array.isArray(body.requests) || body.requests.length === 0) return badRequest('* BatchEmbedContentsRequest.requests: requests is not specified');
    const inputs: EmbedInput[] = [];
    for (const request of body.requests) {
      if (!isRecord(request) || !isRecord(request.content)) return badRequest('* BatchEmbedContentsRequest.requests: content is not specified');
      const texts: string[] = [];
      collectParts(request.content.parts, texts);
      const dimensions = request.outputDimensionality ?? DEFAULT_EMBEDDING_DIMENSIONS;
      if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192) {
        return badRequest('* BatchEmbedContentsRequest.requests: outputDimensionality must be a positive integer');
      }
      inputs.push({ text: texts.join('\n'), dimensions });
    }
    return { ok: true, value: { model: route.model, inputs, base64: false } };
  },

  renderEmbed(_call, vectors) {
    return JSON.stringify({ embeddings: vectors.map((values) => ({ values })) });
  },
};

function responseChunk(answer: Answer, parts: unknown[], last: boolean): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' } };
  if (last) candidate.finishReason = answer.kind === 'text' && answer.truncated ? 'MAX_TOKENS' : 'STOP';
  candidate.index = 0;
  // Intermediate chunks know only the prompt; the last carries the full count.
  const usageMetadata = last
    ? {
        promptTokenCount: answer.inputTokens,
        candidatesTokenCount: answer.outputTokens,
        totalTokenCount: answer.inputTokens + answer.outputTokens,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: answer.inputTokens }],
      }
    : { promptTokenCount: answer.inputTokens, totalTokenCount: answer.inputTokens };
  return { candidates: [candidate], usageMetadata, modelVersion: answer.model, responseId: `sim${answer.serial.toString(36).padStart(8, '0')}` };
}

/** Like Gemini 3, every function call step is signed on its first (here: only) call. */
function functionCallPart(answer: Answer & { kind: 'tool-call' }): unknown {
  return { functionCall: { name: answer.name, args: answer.input }, thoughtSignature: simulatedSignature(answer.serial) };
}

const SIGNATURE_PREFIX = 'simulated thought signature ';
/** Gemini's documented stand-ins for calls another model made; accepted unchecked. */
const STAND_IN_SIGNATURES = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

function simulatedSignature(serial: number): string {
  return Buffer.from(`${SIGNATURE_PREFIX}${serial}`).toString('base64');
}

function validSignature(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return STAND_IN_SIGNATURES.has(value) || Buffer.from(value, 'base64').toString('utf8').startsWith(SIGNATURE_PREFIX);
}

/**
 * Gemini 3's check: in the current turn (everything after the last user message that is not
 * only function results), the first function call of each model step must come back with a
 * signature it issued, or a stand-in. The message of the first offence, if any.
 */
function findUnsignedCall(contents: Record<string, unknown>[]): string | undefined {
  let start = 0;
  contents.forEach((content, index) => {
    const parts = Array.isArray(content.parts) ? content.parts : [];
    if (content.role !== 'model' && !parts.every((part) => isRecord(part) && isRecord(part.functionResponse))) start = index + 1;
  });
  for (let index = start; index < contents.length; index += 1) {
    const content = contents[index];
    if (content.role !== 'model' || !Array.isArray(content.parts)) continue;
    const first = content.parts.find((part) => isRecord(part) && isRecord(part.functionCall)) as Record<string, unknown> | undefined;
    if (first === undefined || validSignature(first.thoughtSignature)) continue;
    const name = String((first.functionCall as Record<string, unknown>).name);
    return first.thoughtSignature === undefined
      ? `Function call \`${name}\` in content ${index} is missing a thought_signature.`
      : `Function call \`${name}\` in content ${index} has a thought_signature this model did not issue.`;
  }
  return undefined;
}

function collectParts(parts: unknown, texts: string[]): void {
  if (!Array.isArray(parts)) return;
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string') texts.push(part.text);
    else if (isRecord(part.functionCall)) texts.push(`${String(part.functionCall.name)} ${JSON.stringify(part.functionCall.args ?? {})}`);
    else if (isRecord(part.functionResponse)) texts.push(`${String(part.functionResponse.name)} ${JSON.stringify(part.functionResponse.response ?? {})}`);
  }
}

function parseTools(tools: unknown): SimTool[] {
  if (!Array.isArray(tools)) return [];
  const result: SimTool[] = [];
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    const declarations = tool.functionDeclarations ?? tool.function_declarations;
    if (!Array.isArray(declarations)) continue;
    for (const declaration of declarations) {
      if (!isRecord(declaration) || typeof declaration.name !== 'string') continue;
      const parameters = declaration.parameters ?? declaration.parametersJsonSchema ?? { type: 'object', properties: {} };
      const parsed: SimTool = { name: declaration.name, parameters };
      if (typeof declaration.description === 'string') parsed.description = declaration.description;
      result.push(parsed);
    }
  }
  return result;
}

function parseToolChoice(config: unknown): SimToolChoice {
  const calling = isRecord(config) ? (config.functionCallingConfig ?? config.function_calling_config) : undefined;
  if (!isRecord(calling)) return 'auto';
  const mode = typeof calling.mode === 'string' ? calling.mode.toUpperCase() : 'AUTO';
  if (mode === 'NONE') return 'none';
  if (mode !== 'ANY') return 'auto';
  const allowed = calling.allowedFunctionNames ?? calling.allowed_function_names;
  if (Array.isArray(allowed) && typeof allowed[0] === 'string') return { name: allowed[0] };
  return 'required';
}
