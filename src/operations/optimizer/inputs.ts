/**
 * The cost-optimiser API's inputs, checked once for every surface that calls it (HTTP now, MCP
 * later): a JSON body for /complete, query strings for the reads. A value that is missing, of
 * the wrong type or out of range is the caller's mistake: a 400 (`invalid_request`) naming the
 * field and what was expected.
 */
import { JunctionError } from '../../errors';

/** Longest prompt accepted, in characters: far beyond any context window, short of a denial of service. */
export const MAX_PROMPT_CHARS = 200_000;

/** Largest `max_tokens` accepted; deployments cap it further by their own limits. */
export const MAX_OUTPUT_TOKENS = 1_000_000;

/** Longest period /routing/metrics looks back over. */
export const MAX_METRICS_DAYS = 366;

/** The one tokenizer Junction counts prompts with (routing's token estimates). */
export const TOKENIZER_IDS = ['o200k_base'] as const;

export interface CompleteInput {
  prompt: string;
  maxTokens?: number;
  /** True: the route's own auto mode decides; false (the default): the complexity mode does. */
  autoRoute: boolean;
  tokenizerId?: (typeof TOKENIZER_IDS)[number];
}

export interface PromptQuery {
  prompt: string;
  autoRoute: boolean;
}

const invalid = (param: string, message: string) => new JunctionError('invalid_request', `${param}: ${message}`, { param });

/** The body of POST /complete. */
export function readCompleteInput(body: unknown): CompleteInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new JunctionError('invalid_request', 'expected a JSON object such as {"prompt": "Hello"}');
  }
  const fields = body as Record<string, unknown>;
  const known = new Set(['prompt', 'max_tokens', 'auto_route', 'tokenizer_id']);
  const unknown = Object.keys(fields).find((key) => !known.has(key));
  if (unknown !== undefined) throw invalid(unknown, `unknown field; expected prompt, max_tokens, auto_route or tokenizer_id`);
  const input: CompleteInput = { prompt: readPrompt(fields.prompt), autoRoute: false };
  if (fields.max_tokens !== undefined && fields.max_tokens !== null) {
    const maxTokens = fields.max_tokens;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_OUTPUT_TOKENS) {
      throw invalid('max_tokens', `expected a whole number from 1 to ${MAX_OUTPUT_TOKENS}, got ${JSON.stringify(maxTokens)}`);
    }
    input.maxTokens = maxTokens;
  }
  if (fields.auto_route !== undefined && fields.auto_route !== null) {
    if (typeof fields.auto_route !== 'boolean') throw invalid('auto_route', `expected true or false, got ${JSON.stringify(fields.auto_route)}`);
    input.autoRoute = fields.auto_route;
  }
  if (fields.tokenizer_id !== undefined && fields.tokenizer_id !== null) {
    const id = fields.tokenizer_id;
    if (typeof id !== 'string' || !(TOKENIZER_IDS as readonly string[]).includes(id)) {
      throw invalid('tokenizer_id', `unknown tokenizer ${JSON.stringify(id).slice(0, 64)}; expected one of ${TOKENIZER_IDS.join(', ')}`);
    }
    input.tokenizerId = id as CompleteInput['tokenizerId'];
  }
  return input;
}

/** The query of GET /routing/decision (`prompt`, `auto_route`) and GET /recommendation (`prompt`). */
export function readPromptQuery(query: Record<string, unknown>): PromptQuery {
  return { prompt: readPrompt(single(query, 'prompt')), autoRoute: readBooleanParam(query, 'auto_route', false) };
}

/** The query of GET /routing/metrics: `days`, a whole number of days ending now (default 30). */
export function readDays(query: Record<string, unknown>): number {
  const text = single(query, 'days');
  if (text === undefined || text === '') return 30;
  const days = Number(text);
  if (!/^\d+$/.test(String(text)) || !Number.isInteger(days) || days < 1 || days > MAX_METRICS_DAYS) {
    throw invalid('days', `expected a whole number of days from 1 to ${MAX_METRICS_DAYS}, got ${JSON.stringify(String(text).slice(0, 32))}`);
  }
  return days;
}

/** A prompt: a string with something in it besides white space, at most {@link MAX_PROMPT_CHARS} characters. */
export function readPrompt(value: unknown): string {
  if (value === undefined || value === null) throw invalid('prompt', 'missing; expected the text to answer');
  if (typeof value !== 'string') throw invalid('prompt', `expected a string, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  if (value.trim() === '') throw invalid('prompt', 'expected some text, got an empty prompt');
  if (value.length > MAX_PROMPT_CHARS) throw invalid('prompt', `expected at most ${MAX_PROMPT_CHARS} characters, got ${value.length}`);
  return value;
}

function readBooleanParam(query: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const text = single(query, name);
  if (text === undefined || text === '') return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw invalid(name, `expected true or false, got ${JSON.stringify(String(text).slice(0, 32))}`);
}

/** A query parameter given once; given twice is ambiguous, so refused. */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw invalid(name, 'given more than once; expected one value');
  return value === undefined ? undefined : String(value);
}
