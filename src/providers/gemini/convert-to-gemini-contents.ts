import { JunctionError } from '../../errors';
import type { AssistantMessage, ContentPart, Message, ToolMessage } from '../../canonical/types';
import { splitToolCallId } from '../tool-call-id';
import type { GeminiContent, GeminiPart, GeminiTextPart } from './gemini-api';

/** The conversation in Gemini's terms: system text apart, the rest as alternating turns. */
export interface GeminiContents {
  systemInstruction?: { parts: GeminiTextPart[] };
  contents: GeminiContent[];
}

/**
 * Canonical messages → Gemini `systemInstruction` and `contents`.
 * - System messages, wherever they stand, are gathered into `systemInstruction` in order.
 * - Assistant turns become role `model`; their tool calls become `functionCall` parts, with
 *   the thought signatures their ids carry.
 * - Tool results become `functionResponse` parts of a `user` turn. Gemini matches them by
 *   function name, not by id, so the name is looked up from the assistant's earlier call.
 * - Consecutive turns of the same role are merged, which also puts the results of parallel
 *   calls into one turn, as Gemini expects.
 * Throws `invalid_request` when a tool result answers no known call or a call's arguments are
 * not a JSON object: Gemini could not be sent either.
 */
export function convertToGeminiContents(messages: Message[]): GeminiContents {
  const system: GeminiTextPart[] = [];
  const contents: GeminiContent[] = [];
  const push = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        if (message.content !== '') system.push({ text: message.content });
        break;
      case 'user':
        push('user', message.content.map(convertUserPart));
        break;
      case 'assistant':
        push('model', convertAssistant(message, index));
        break;
      case 'tool':
        push('user', [convertToolResult(message, findToolName(messages, index, message.toolCallId))]);
        break;
    }
  });

  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}

function convertUserPart(part: ContentPart): GeminiPart {
  if (part.type === 'text') return { text: part.text };
  const { source } = part;
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  // Some clients put inline images in a data URL; Gemini wants those bytes inline, not as a file URI.
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl !== null) return { inlineData: { mimeType: dataUrl[1], data: dataUrl[2] } };
  return { fileData: { mimeType: guessImageMimeType(source.url), fileUri: source.url } };
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** Gemini requires a MIME type with every file URI; guess it from the extension, JPEG when unknown. */
export function guessImageMimeType(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not an absolute URL: read the extension from the text as given.
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path.split(/[?#]/)[0])?.[1]?.toLowerCase();
  return extension !== undefined && Object.hasOwn(IMAGE_TYPES, extension) ? IMAGE_TYPES[extension] : 'image/jpeg';
}

/**
 * Gemini's documented stand-in signature for calls it did not make itself (another provider's
 * turn after a fallback, a hand-built history): Gemini 3 rejects a step whose first function
 * call has no signature, and accepts this one without checking it.
 */
export const FOREIGN_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/**
 * An assistant turn is one step of the model. Each call gets back the thought signature its id
 * carries; a step whose first call carries none gets the stand-in on that call.
 */
function convertAssistant(message: AssistantMessage, index: number): GeminiPart[] {
  const parts: GeminiPart[] = message.content.filter((part) => part.text !== '').map((part) => ({ text: part.text }));
  (message.toolCalls ?? []).forEach((call, callIndex) => {
    const signature = splitToolCallId(call.id).thoughtSignature ?? (callIndex === 0 ? FOREIGN_THOUGHT_SIGNATURE : undefined);
    const functionCall = { name: call.name, args: parseArguments(call.arguments, `messages[${index}].toolCalls[${callIndex}].arguments`) };
    parts.push(signature === undefined ? { functionCall } : { functionCall, thoughtSignature: signature });
  });
  return parts;
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  // Models answer a call without arguments with '' as often as with '{}'.
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JunctionError('invalid_request', 'Tool call arguments are not valid JSON; Gemini needs them as an object.', { param, cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JunctionError('invalid_request', 'Tool call arguments must be a JSON object for Gemini.', { param });
  }
  return value as Record<string, unknown>;
}

/** The name of the call a tool result answers: the nearest earlier assistant call with that id. */
function findToolName(messages: Message[], toolIndex: number, toolCallId: string): string {
  for (let index = toolIndex - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message.role !== 'assistant') continue;
    const call = message.toolCalls?.find((candidate) => candidate.id === toolCallId);
    if (call !== undefined) return call.name;
  }
  throw new JunctionError('invalid_request', `Tool result answers no earlier tool call with id '${toolCallId}'.`, {
    param: `messages[${toolIndex}].toolCallId`,
  });
}

/**
 * `response` must be a JSON object; the API reference suggests an `error` key for a failed call
 * and any key of our choosing for the output, so results go under `result`.
 */
function convertToolResult(message: ToolMessage, name: string): GeminiPart {
  const value = parseMaybeJson(message.content);
  return { functionResponse: { name, response: message.isError === true ? { error: value } : { result: value } } };
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
