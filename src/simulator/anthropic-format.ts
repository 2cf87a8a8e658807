/**
 * Anthropic wire format: Messages (plain, and streamed as message_start → content_block_start →
 * ping → content_block_delta… → content_block_stop → message_delta → message_stop, each with its
 * `event:` line), with Anthropic's error shape `{ type: "error", error: { type, message } }`.
 */
import { badRequest, headerValue, isRecord, truncateJson, WRONG_SHAPE_BODY } from './dialect';
import type { ChatDialect } from './dialect';
import { splitArguments, splitText } from './reply';
import type { Answer, SimTool, SimToolChoice } from './reply';

const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'The requested resource could not be found.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of requests has exceeded your rate limit.'],
  500: ['api_error', 'Internal server error'],
  503: ['overloaded_error', 'Overloaded'],
  504: ['timeout_error', 'Request timed out'],
  529: ['overloaded_error', 'Overloaded'],
};

function errorJson(status: number, message: string | undefined): string {
  const [type, fallback] = ERROR_TYPES[status] ?? (status >= 500 ? ERROR_TYPES[500] : ERROR_TYPES[400]);
  return JSON.stringify({ type: 'error', error: { type, message: message ?? fallback } });
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

const MESSAGE_STOP = event('message_stop', { type: 'message_stop' });

export const anthropicDialect: ChatDialect = {
  format: 'anthropic',

  // The API's documented header is x-api-key; the official TypeScript SDK (1.x) sends the same
  // key as `Authorization: Bearer`, so both are accepted.
  authorised(headers, _route, apiKey) {
    return headerValue(headers, 'x-api-key') === apiKey || headerValue(headers, 'authorization') === `Bearer ${apiKey}`;
  },

  parseChat(body) {
    if (!isRecord(body)) return badRequest('The request body must be a JSON object.');
    if (typeof body.model !== 'string' || body.model.length === 0) return badRequest('model: Field required');
    if (typeof body.max_tokens !== 'number') return badRequest('max_tokens: Field required');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return badRequest('messages: Field required');
    const texts: string[] = [];
    collectSystemText(body.system, texts);
    for (const message of body.messages) {
      if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
        return badRequest("messages: each message needs role 'user' or 'assistant'");
      }
      collectContentText(message.content, texts);
    }
    const last = body.messages[body.messages.length - 1] as Record<string, unknown>;
    return {
      ok: true,
      value: {
        model: body.model,
        stream: body.stream === true,
        framing: 'sse',
        includeUsage: false,
        promptText: texts.join('\n'),
        tools: parseTools(body.tools),
        toolChoice: parseToolChoice(body.tool_choice),
        lastIsToolResult: Array.isArray(last.content) && last.content.some((block) => isRecord(block) && block.type === 'tool_result'),
        maxTokens: body.max_tokens,
      },
    };
  },

  renderChat(answer) {
    return JSON.stringify({
      id: messageId(answer.serial),
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: [answer.kind === 'text' ? { type: 'text', text: answer.text } : { type: 'tool_use', id: toolUseId(answer.serial), name: answer.name, input: answer.input }],
      stop_reason: stopReason(answer),
      stop_sequence: null,
      usage: { input_tokens: answer.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: answer.outputTokens, service_tier: 'standard' },
    });
  },

  streamFrames(answer, _call, unfinished) {
    if (unfinished === 'start') return [MESSAGE_STOP];
    const frames: string[] = [
      event('message_start', {
        type: 'message_start',
        message: {
          id: messageId(answer.serial), type: 'message', role: 'assistant', model: answer.model, content: [],
          stop_reason: null, stop_sequence: null,
          // Anthropic reports the prompt here and a provisional output count, finalised in message_delta.
          usage: { input_tokens: answer.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, service_tier: 'standard' },
        },
      }),
    ];
    if (answer.kind === 'text') {
      frames.push(event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      frames.push(event('ping', { type: 'ping' }));
      for (const piece of splitText(answer.text)) {
        frames.push(event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
      }
    } else {
      const block = { type: 'tool_use', id: toolUseId(answer.serial), name: answer.name, input: {} };
      frames.push(event('content_block_start', { type: 'content_block_start', index: 0, content_block: block }));
      frames.push(event('ping', { type: 'ping' }));
      // Anthropic opens tool input with an empty fragment; clients must cope with it.
      for (const fragment of ['', ...splitArguments(answer.arguments)]) {
        frames.push(event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: fragment } }));
      }
    }
    // Unfinished early: the opening (message_start, content_block_start, ping) and the first
    // delta with content (a tool's input opens with an empty one).
    if (unfinished === 'early') frames.splice(answer.kind === 'text' ? 4 : 5);
    frames.push(event('content_block_stop', { type: 'content_block_stop', index: 0 }));
    // Unfinished: no message_delta, the one event that carries the stop reason and the final usage.
    if (unfinished === undefined) {
      frames.push(event('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(answer), stop_sequence: null }, usage: { output_tokens: answer.outputTokens } }));
    }
    frames.push(MESSAGE_STOP);
    return frames;
  },

  streamContentType() {
    return 'text/event-stream; charset=utf-8';
  },

  errorBody(status, message) {
    return errorJson(status, message);
  },

  contextLengthError(inputTokens, limit) {
    return { status: 400, body: errorJson(400, `prompt is too long: ${inputTokens} tokens > ${limit} maximum`) };
  },

  wrongShapeStream() {
    return `event: message_start\ndata: ${WRONG_SHAPE_BODY}\n\n`;
  },

  malformedStream() {
    return `event: message_start\ndata: ${truncateJson('{"type":"message_start","message":{"id":"msg_simulated","type":"message","role":"assistant","content":[]}}')}\n\n`;
  },
};

function messageId(serial: number): string {
  return `msg_sim${serial.toString(36).padStart(8, '0')}`;
}

function toolUseId(serial: number): string {
  return `toolu_sim${serial.toString(36).padStart(8, '0')}`;
}

function stopReason(answer: Answer): string {
  if (answer.kind === 'tool-call') return 'tool_use';
  return answer.truncated ? 'max_tokens' : 'end_turn';
}

function collectSystemText(system: unknown, texts: string[]): void {
  if (typeof system === 'string') texts.push(system);
  else collectContentText(system, texts);
}

function collectContentText(content: unknown, texts: string[]): void {
  if (typeof content === 'string') {
    texts.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use') texts.push(`${String(block.name)} ${JSON.stringify(block.input ?? {})}`);
    else if (block.type === 'tool_result') collectContentText(block.content, texts);
  }
}

function parseTools(tools: unknown): SimTool[] {
  if (!Array.isArray(tools)) return [];
  const result: SimTool[] = [];
  for (const tool of tools) {
    // Server tools (web search and friends) have no input_schema; the simulator never calls them.
    if (!isRecord(tool) || typeof tool.name !== 'string' || !isRecord(tool.input_schema)) continue;
    const parsed: SimTool = { name: tool.name, parameters: tool.input_schema };
    if (typeof tool.description === 'string') parsed.description = tool.description;
    result.push(parsed);
  }
  return result;
}

function parseToolChoice(choice: unknown): SimToolChoice {
  if (!isRecord(choice)) return 'auto';
  if (choice.type === 'none') return 'none';
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool' && typeof choice.name === 'string') return { name: choice.name };
  return 'auto';
}
