import { decode, encode } from 'gpt-tokenizer';
import { countTokens as countTextTokens } from '../tokens/token-count';
import type { ModelBehaviour } from '../config/simulator-behaviour';

/** A tool the caller offered, whatever wire format it arrived in. */
export interface SimTool {
  name: string;
  description?: string;
  /** JSON Schema (or Gemini's OpenAPI-style schema) of the arguments object. */
  parameters: unknown;
}

export type SimToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** A chat request reduced to what the simulator needs to answer it. */
export interface ChatCall {
  model: string;
  stream: boolean;
  /** Gemini answers `streamGenerateContent` without `alt=sse` as one streamed JSON array. */
  framing: 'sse' | 'json-array';
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Every system and message text (tool calls and results included), in order. */
  promptText: string;
  tools: SimTool[];
  toolChoice: SimToolChoice;
  /** The last message carries a tool result, so the model answers in text. */
  lastIsToolResult: boolean;
  /** The caller's output cap, if any; a longer reply is cut and finishes with the format's "length". */
  maxTokens?: number;
}

interface AnswerBase {
  /** Per-simulator sequence number; each format turns it into its own id style. */
  serial: number;
  model: string;
  /** Unix seconds. */
  created: number;
  inputTokens: number;
  outputTokens: number;
}

export interface TextAnswer extends AnswerBase {
  kind: 'text';
  text: string;
  /** The reply was cut at the caller's max tokens. */
  truncated: boolean;
}

export interface ToolCallAnswer extends AnswerBase {
  kind: 'tool-call';
  name: string;
  /** The arguments object, and the exact JSON text the formats send. */
  input: unknown;
  arguments: string;
}

/** What the simulated model says, before any wire format is applied. */
export type Answer = TextAnswer | ToolCallAnswer;

const DEFAULT_REPLY_TOKENS = 16;

// Treat special-token text such as "<|endoftext|>" in a prompt as plain text instead of throwing.
const TOKENIZE_OPTIONS = { disallowedSpecial: new Set<string>() };

/**
 * Token count with the gpt-tokenizer default encoding (o200k), the simulator's idea of a real
 * tokenizer: the gateway's own counter, linear in the text (gpt-tokenizer's merge loop is
 * quadratic in a run without spaces), so both sides of a test agree on every number. Past the
 * counter's limits (about a million characters) it is an upper bound, as in the gateway.
 */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countTextTokens(text).tokens;
}

/** Prompt tokens: all message text plus the offered tools as JSON, in a format-independent shape. */
export function countPromptTokens(call: ChatCall): number {
  if (call.tools.length === 0) return countTokens(call.promptText);
  return countTokens(call.promptText + '\n' + JSON.stringify(call.tools));
}

/** The tool the model calls, or undefined when it answers in text. */
export function chooseTool(call: ChatCall, behaviour: ModelBehaviour): SimTool | undefined {
  if (call.tools.length === 0 || call.toolChoice === 'none' || behaviour.callTools === false || call.lastIsToolResult) {
    return undefined;
  }
  const choice = call.toolChoice;
  if (typeof choice === 'object') return call.tools.find((tool) => tool.name === choice.name) ?? call.tools[0];
  return call.tools[0];
}

/** Decide the answer to a chat call. Pure: the serial and the clock come from the caller. */
export function planAnswer(call: ChatCall, behaviour: ModelBehaviour, inputTokens: number, serial: number, nowMs: number): Answer {
  const created = Math.floor(nowMs / 1000);
  const tool = chooseTool(call, behaviour);
  if (tool !== undefined) {
    const input = exampleFromSchema(tool.parameters);
    const args = JSON.stringify(input);
    return { kind: 'tool-call', serial, model: call.model, created, inputTokens, outputTokens: countTokens(args), name: tool.name, input, arguments: args };
  }
  let text = behaviour.reply ?? generateReply(call.model, call.promptText, behaviour.replyTokens ?? DEFAULT_REPLY_TOKENS);
  let outputTokens = countTokens(text);
  let truncated = false;
  if (call.maxTokens !== undefined && call.maxTokens >= 0 && outputTokens > call.maxTokens) {
    // The reply is the simulator's own words (or the configured one), not the caller's text.
    text = decode(encode(text, TOKENIZE_OPTIONS).slice(0, call.maxTokens));
    outputTokens = countTokens(text);
    truncated = true;
  }
  return { kind: 'text', serial, model: call.model, created, inputTokens, outputTokens, text, truncated };
}

// Each of these is one token with a leading space in the common BPE vocabularies, so a reply of
// N words after the prefix is close to N tokens.
const WORDS = [
  'the', 'model', 'data', 'answer', 'quick', 'token', 'stream', 'route', 'fast', 'cloud',
  'green', 'light', 'river', 'stone', 'paper', 'music', 'table', 'garden', 'window', 'simple',
];

/**
 * A deterministic reply about `replyTokens` tokens long: the same model and prompt always give
 * the same text, and different prompts give different words.
 */
export function generateReply(model: string, promptText: string, replyTokens: number): string {
  const prefix = `Simulated reply from ${model}:`;
  const prefixTokens = countTokens(prefix);
  const wordCount = replyTokens > prefixTokens ? replyTokens - prefixTokens : Math.max(1, replyTokens);
  let state = hashString(promptText);
  let text = replyTokens > prefixTokens ? prefix : '';
  for (let index = 0; index < wordCount; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const word = WORDS[state % WORDS.length];
    text = text.length === 0 ? word : text + ' ' + word;
  }
  return text;
}

/** FNV-1a over UTF-16 code units: cheap and stable, which is all a fake needs. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const MAX_SCHEMA_DEPTH = 8;

/**
 * A minimal value satisfying a JSON Schema: required properties only, strings "example",
 * numbers 1 (or the minimum), booleans true, arrays of one item, the first enum value or
 * variant. Gemini's upper-case type names are accepted. `$ref` is not followed.
 */
export function exampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > MAX_SCHEMA_DEPTH) return {};
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (Array.isArray(variants) && variants.length > 0) {
    const chosen = variants.find((variant) => !(isRecord(variant) && typeNameOf(variant) === 'null')) ?? variants[0];
    return exampleFromSchema(chosen, depth + 1);
  }
  switch (typeNameOf(schema)) {
    case 'string':
      return 'example';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' && schema.minimum > 1 ? Math.ceil(schema.minimum) : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return [exampleFromSchema(schema.items ?? { type: 'string' }, depth + 1)];
    default:
      return exampleObject(schema, depth);
  }
}

function exampleObject(schema: Record<string, unknown>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const name of required) {
    if (typeof name === 'string') result[name] = exampleFromSchema(properties[name] ?? { type: 'string' }, depth + 1);
  }
  return result;
}

function typeNameOf(schema: Record<string, unknown>): string | undefined {
  const type = Array.isArray(schema.type) ? (schema.type.find((name) => String(name).toLowerCase() !== 'null') ?? 'null') : schema.type;
  if (typeof type === 'string') return type.toLowerCase();
  return isRecord(schema.properties) ? 'object' : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stream pieces of a few words each; concatenated they give back `text` exactly. */
export function splitText(text: string, wordsPerPiece = 3): string[] {
  const words = text.match(/\s*\S+\s*/g);
  if (words === null) return text.length === 0 ? [] : [text];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerPiece) {
    pieces.push(words.slice(index, index + wordsPerPiece).join(''));
  }
  return pieces;
}

/**
 * Tool-call arguments in several fragments, never splitting a surrogate pair, so that clients'
 * delta assembly is exercised. Concatenated they give back `json` exactly.
 */
export function splitArguments(json: string, fragments = 4): string[] {
  const size = Math.max(1, Math.ceil(json.length / fragments));
  const pieces: string[] = [];
  let start = 0;
  while (start < json.length) {
    let end = Math.min(json.length, start + size);
    const code = json.charCodeAt(end - 1);
    if (end < json.length && code >= 0xd800 && code <= 0xdbff) end += 1;
    pieces.push(json.slice(start, end));
    start = end;
  }
  return pieces;
}
