/**
 * The Batch API's files: reading an input file (one JSON request per line:
 * `{custom_id, method, url, body}`) and writing the output and error files (one result per
 * line, keyed by `custom_id`), in OpenAI's shapes. A line that cannot run is the caller's
 * problem with that line alone: it goes to the error file and the rest run. A file that is not
 * a batch at all (no lines, too many, the same custom_id twice) fails the batch as a whole.
 */
import type { BatchEndpoint, BatchError, BatchLine, LineResult } from './types';

export interface ParsedInput {
  lines: BatchLine[];
  /** Lines that cannot run, with why; they count as failed requests. */
  invalid: Array<{ index: number; customId: string; code: string; message: string }>;
  /** Problems with the file as a whole: the batch fails. */
  errors: BatchError[];
}

const MAX_CUSTOM_ID = 512;

export function parseBatchInput(content: Buffer | string, endpoint: BatchEndpoint, maxLines: number): ParsedInput {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  // Blank lines (a trailing newline, a CRLF file's empty last line) are skipped; line numbers stay the file's.
  const rows = text
    .split('\n')
    .map((row, number) => ({ row: row.replace(/\r$/, ''), number }))
    .filter(({ row }) => row.trim() !== '');
  const parsed: ParsedInput = { lines: [], invalid: [], errors: [] };
  if (rows.length === 0) {
    parsed.errors.push({ code: 'empty_file', message: 'The input file has no requests.' });
    return parsed;
  }
  if (rows.length > maxLines) {
    parsed.errors.push({ code: 'too_many_requests', message: `The input file has ${rows.length} requests; a batch takes at most ${maxLines}.` });
    return parsed;
  }
  const seen = new Map<string, number>();
  rows.forEach(({ row, number }, index) => {
    const line = parseLine(row, index, number, endpoint);
    if ('code' in line) {
      parsed.invalid.push(line);
      return;
    }
    const earlier = seen.get(line.customId);
    if (earlier !== undefined) {
      parsed.errors.push({ code: 'duplicate_custom_id', message: `The custom_id '${line.customId.slice(0, 80)}' is on line ${earlier + 1} and line ${number + 1}; each must be unique.`, param: 'custom_id', line: number + 1 });
      return;
    }
    seen.set(line.customId, number);
    parsed.lines.push(line);
  });
  return parsed;
}

/** `index` counts requests (the result's position), `number` the file's lines (for messages). */
function parseLine(row: string, index: number, number: number, endpoint: BatchEndpoint): BatchLine | { index: number; customId: string; code: string; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(row);
  } catch {
    return { index, customId: '', code: 'invalid_json_line', message: `Line ${number + 1} is not valid JSON.` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { index, customId: '', code: 'invalid_request', message: `Line ${number + 1} is not a JSON object.` };
  const { custom_id: customId, method, url, body } = value as Record<string, unknown>;
  const id = typeof customId === 'string' ? customId : '';
  const refuse = (code: string, message: string) => ({ index, customId: id, code, message: `Line ${number + 1}: ${message}` });
  if (typeof customId !== 'string' || customId.length === 0 || customId.length > MAX_CUSTOM_ID) return refuse('invalid_custom_id', `custom_id must be a string of 1 to ${MAX_CUSTOM_ID} characters.`);
  if (method !== 'POST') return refuse('invalid_method', "method must be 'POST'.");
  if (url !== endpoint) return refuse('mismatched_endpoint', `url must be the batch's endpoint, '${endpoint}'.`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('invalid_request', 'body must be a JSON object.');
  if (typeof (body as { model?: unknown }).model !== 'string') return refuse('missing_model', 'body.model must name a model.');
  if ((body as { stream?: unknown }).stream === true) return refuse('invalid_request', 'streaming is not available in a batch.');
  return { index, customId, url: endpoint, body: body as Record<string, unknown> };
}

/** One line of an output or error file, in OpenAI's shape. */
export function resultLine(batchId: string, result: LineResult): string {
  const id = `batch_req_${batchId.replace(/^batch_/, '')}_${result.index}`;
  const response = result.error ? null : { status_code: result.status, request_id: result.requestId, body: result.body };
  return JSON.stringify({ id, custom_id: result.customId, response, error: result.error ?? null });
}

/** Whether a result belongs in the output file (a 2xx response) or the error file (everything else). */
export function succeeded(result: LineResult): boolean {
  return result.error === undefined && result.status >= 200 && result.status < 300;
}

/** The output and error files' contents; undefined where a file would be empty. */
export function resultFiles(batchId: string, results: readonly LineResult[]): { output?: string; errors?: string } {
  const output: string[] = [];
  const errors: string[] = [];
  for (const result of results) (succeeded(result) ? output : errors).push(resultLine(batchId, result));
  return {
    ...(output.length > 0 ? { output: output.join('\n') + '\n' } : {}),
    ...(errors.length > 0 ? { errors: errors.join('\n') + '\n' } : {}),
  };
}
