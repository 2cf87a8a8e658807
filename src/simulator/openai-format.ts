/**
 * OpenAI wire format: Chat Completions (plain and SSE chunks, `stream_options.include_usage`,
 * `data: [DONE]`), Embeddings (float or base64) and the model list, with OpenAI's error shape
 * `{ error: { message, type, param, code } }`.
 */
import { badRequest, headerValue, isRecord, truncateJson, WRONG_SHAPE_BODY } from './dialect';
import type { EmbedInput, EmbeddingDialect, ParseResult } from './dialect';
import { DEFAULT_EMBEDDING_DIMENSIONS, toBase64Float32 } from './embedding';
import { splitArguments, splitText } from './reply';
import type { Answer, ChatCall, SimTool, SimToolChoice } from './reply';

const SYSTEM_FINGERPRINT = 'fp_simulated';
const DONE_FRAME = 'data: [DONE]\n\n';

interface ErrorTemplate {
  type: string;
  code: string | null;
  message: string;
}

const ERRORS: Record<number, ErrorTemplate> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: null, message: 'You are not allowed to make this request.' },
  404: { type: 'invalid_request_error', code: null, message: 'The requested resource does not exist.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  503: { type: 'server_error', code: null, message: 'The server is overloaded or not ready yet.' },
};

function errorTemplate(status: number): ErrorTemplate {
  return ERRORS[status] ?? (status >= 500 ? { ...ERRORS[500], message: `Upstream error ${status}.` } : { ...ERRORS[400], message: `Request failed with status ${status}.` });
}

function errorJson(status: number, message: string | undefined, param: string | null, code?: string): string {
  const template = errorTemplate(status);
  return JSON.stringify({ error: { message: message ?? template.message, type: template.type, param, code: code ?? template.code } });
}

export const openaiDialect: EmbeddingDialect = {
  format: 'openai',

  authorised(headers, _route, apiKey) {
    return headerValue(headers, 'authorization') === `Bearer ${apiKey}`;
  },

  parseChat(body) {
    if (!isRecord(body)) return badRequest('The request body must be a JSON object.');
    if (typeof body.model !== 'string' || body.model.length === 0) return badRequest('you must provide a model parameter', 'model');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return badRequest("Missing required parameter: 'messages'.", 'messages');
    const texts: string[] = [];
    for (const message of body.messages) {
      if (!isRecord(message) || typeof message.role !== 'string') return badRequest('Each message must be an object with a role.', 'messages');
      collectMessageText(message, texts);
    }
    const longId = findLongToolCallId(body.messages as Record<string, unknown>[]);
    if (longId !== undefined) return badRequest(`Invalid '${longId.param}': string too long. Expected a string with maximum length ${MAX_TOOL_CALL_ID}, but got a string with length ${longId.length} instead.`, longId.param);
    const last = body.messages[body.messages.length - 1] as Record<string, unknown>;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const call: ChatCall = {
      model: body.model,
      stream: body.stream === true,
      framing: 'sse',
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
      promptText: texts.join('\n'),
      tools: parseTools(body.tools),
      toolChoice: parseToolChoice(body.tool_choice),
      lastIsToolResult: last.role === 'tool' || last.role === 'function',
    };
    if (typeof maxTokens === 'number') call.maxTokens = maxTokens;
    return { ok: true, value: call };
  },

  renderChat(answer) {
    const message = answer.kind === 'text'
      ? { role: 'assistant', content: answer.text, refusal: null, annotations: [] }
      : { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [{ id: callId(answer.serial), type: 'function', function: { name: answer.name, arguments: answer.arguments } }] };
    return JSON.stringify({
      id: completionId(answer.serial),
      object: 'chat.completion',
      created: answer.created,
      model: answer.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(answer) }],
      usage: usageOf(answer),
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    });
  },

  streamFrames(answer, call, unfinished) {
    if (unfinished === 'start') return [DONE_FRAME];
    const id = completionId(answer.serial);
    // With include_usage every chunk carries `usage: null` and one extra chunk carries the totals.
    const chunk = (delta: Record<string, unknown>, finish: string | null): string => {
      const payload: Record<string, unknown> = {
        id, object: 'chat.completion.chunk', created: answer.created, model: answer.model,
        service_tier: 'default', system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      };
      if (call.includeUsage) payload.usage = null;
      return `data: ${JSON.stringify(payload)}\n\n`;
    };
    const frames: string[] = [];
    if (answer.kind === 'text') {
      frames.push(chunk({ role: 'assistant', content: '', refusal: null }, null));
      for (const piece of splitText(answer.text)) frames.push(chunk({ content: piece }, null));
    } else {
      const start = { index: 0, id: callId(answer.serial), type: 'function', function: { name: answer.name, arguments: '' } };
      frames.push(chunk({ role: 'assistant', content: null, refusal: null, tool_calls: [start] }, null));
      for (const fragment of splitArguments(answer.arguments)) {
        frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: fragment } }] }, null));
      }
    }
    // Unfinished: the opening and the first piece, or every piece; then [DONE] with no finish chunk and no usage.
    if (unfinished !== undefined) return [...(unfinished === 'early' ? frames.slice(0, 2) : frames), DONE_FRAME];
    frames.push(chunk({}, finishReason(answer)));
    if (call.includeUsage) {
      const usageChunk = {
        id, object: 'chat.completion.chunk', created: answer.created, model: answer.model,
        service_tier: 'default', system_fingerprint: SYSTEM_FINGERPRINT, choices: [], usage: usageOf(answer),
      };
      frames.push(`data: ${JSON.stringify(usageChunk)}\n\n`);
    }
    frames.push(DONE_FRAME);
    return frames;
  },

  streamContentType() {
    return 'text/event-stream; charset=utf-8';
  },

  errorBody(status, message, param) {
    return errorJson(status, message, param ?? null);
  },

  contextLengthError(inputTokens, limit) {
    const message = `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${inputTokens} tokens. Please reduce the length of the messages.`;
    return { status: 400, body: errorJson(400, message, 'messages', 'context_length_exceeded') };
  },

  wrongShapeStream() {
    return `data: ${WRONG_SHAPE_BODY}\n\n`;
  },

  malformedStream() {
    return `data: ${truncateJson('{"id":"chatcmpl-simulated","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}}]}')}\n\n`;
  },

  parseEmbed(body) {
    if (!isRecord(body)) return badRequest('The request body must be a JSON object.');
    if (typeof body.model !== 'string' || body.model.length === 0) return badRequest('you must provide a model parameter', 'model');
    const dimensions = body.dimensions === undefined ? DEFAULT_EMBEDDING_DIMENSIONS : body.dimensions;
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192) {
      return badRequest('dimensions must be a positive integer.', 'dimensions');
    }
    const inputs = parseEmbedInputs(body.input, dimensions);
    if (!inputs.ok) return inputs;
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') return badRequest("encoding_format must be 'float' or 'base64'.", 'encoding_format');
    return { ok: true, value: { model: body.model, inputs: inputs.value, base64: format === 'base64' } };
  },

  renderEmbed(call, vectors, inputTokens) {
    return JSON.stringify({
      object: 'list',
      data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: call.base64 ? toBase64Float32(vector) : vector })),
      model: call.model,
      usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
    });
  },
};

/** GET /v1/models body. */
export function renderModelList(names: string[]): string {
  return JSON.stringify({ object: 'list', data: names.map((id) => ({ id, object: 'model', created: 0, owned_by: 'junction-simulator' })) });
}

function completionId(serial: number): string {
  return `chatcmpl-sim${serial.toString(36).padStart(8, '0')}`;
}

function callId(serial: number): string {
  return `call_sim${serial.toString(36).padStart(8, '0')}`;
}

function finishReason(answer: Answer): string {
  if (answer.kind === 'tool-call') return 'tool_calls';
  return answer.truncated ? 'length' : 'stop';
}

function usageOf(answer: Answer): Record<string, unknown> {
  return {
    prompt_tokens: answer.inputTokens,
    completion_tokens: answer.outputTokens,
    total_tokens: answer.inputTokens + answer.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function collectMessageText(message: Record<string, unknown>, texts: string[]): void {
  const content = message.content;
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (isRecord(part) && typeof part.text === 'string') texts.push(part.text);
    }
  }
  if (Array.isArray(message.tool_calls)) {
    for (const toolCall of message.tool_calls) {
      if (isRecord(toolCall) && isRecord(toolCall.function)) {
        texts.push(`${String(toolCall.function.name)} ${String(toolCall.function.arguments ?? '')}`);
      }
    }
  }
}

function parseTools(tools: unknown): SimTool[] {
  if (!Array.isArray(tools)) return [];
  const result: SimTool[] = [];
  for (const tool of tools) {
    if (!isRecord(tool) || !isRecord(tool.function) || typeof tool.function.name !== 'string') continue;
    const parsed: SimTool = { name: tool.function.name, parameters: tool.function.parameters ?? { type: 'object', properties: {} } };
    if (typeof tool.function.description === 'string') parsed.description = tool.function.description;
    result.push(parsed);
  }
  return result;
}

function parseToolChoice(choice: unknown): SimToolChoice {
  if (choice === 'none' || choice === 'required' || choice === 'auto') return choice;
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') return { name: choice.function.name };
  return 'auto';
}

/** `input` is a string, an array of strings, one token array, or an array of token arrays. */
function parseEmbedInputs(input: unknown, dimensions: number): ParseResult<EmbedInput[]> {
  if (typeof input === 'string') return { ok: true, value: [{ text: input, dimensions }] };
  if (!Array.isArray(input) || input.length === 0) return badRequest("'input' must be a non-empty string or array.", 'input');
  if (input.every((item) => typeof item === 'number')) {
    return { ok: true, value: [{ text: input.join(','), tokenCount: input.length, dimensions }] };
  }
  const inputs: EmbedInput[] = [];
  for (const item of input) {
    if (typeof item === 'string') inputs.push({ text: item, dimensions });
    else if (Array.isArray(item) && item.every((token) => typeof token === 'number')) inputs.push({ text: item.join(','), tokenCount: item.length, dimensions });
    else return badRequest("'input' items must be strings or token arrays.", 'input');
  }
  return { ok: true, value: inputs };
}

/** OpenAI rejects tool call ids longer than this, in assistant turns and in tool results alike. */
const MAX_TOOL_CALL_ID = 40;

function findLongToolCallId(messages: Record<string, unknown>[]): { param: string; length: number } | undefined {
  for (const [index, message] of messages.entries()) {
    if (typeof message.tool_call_id === 'string' && message.tool_call_id.length > MAX_TOOL_CALL_ID) {
      return { param: `messages[${index}].tool_call_id`, length: message.tool_call_id.length };
    }
    if (!Array.isArray(message.tool_calls)) continue;
    for (const [callIndex, call] of message.tool_calls.entries()) {
      if (isRecord(call) && typeof call.id === 'string' && call.id.length > MAX_TOOL_CALL_ID) {
        return { param: `messages[${index}].tool_calls[${callIndex}].id`, length: call.id.length };
      }
    }
  }
  return undefined;
}
