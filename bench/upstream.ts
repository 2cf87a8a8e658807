/**
 * The benchmark's upstream, run as its own process. Two kinds:
 *
 * - `minimal`: a fixed-body OpenAI Chat Completions server on plain node:http. Bodies are built
 *   once per model name and then only written, so the upstream's own cost is as low as it gets
 *   and leaves the CPU to what is being measured. Plain JSON, or SSE of `STREAM_PIECES` content
 *   chunks plus the role, finish and (with `stream_options.include_usage`) usage chunks.
 * - `simulator`: Junction's simulated providers (`startSimulator`), for the soak, which needs
 *   injected failures per model.
 *
 * `node --import tsx bench/upstream.ts '<UpstreamSpec JSON>'` prints `listening <url>` when ready.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { startSimulator } from '../src/simulator';
import type { ModelBehaviour } from '../src/simulator';

export interface UpstreamSpec {
  kind: 'minimal' | 'simulator';
  port: number;
  /** Simulator only: behaviour by model name. */
  models?: Record<string, ModelBehaviour>;
}

/** Content chunks in a streamed answer; with the role, finish and usage chunks about 50 events. */
export const STREAM_PIECES = 47;
const PIECE = 'lorem ipsum ';
const PROMPT_TOKENS = 12;
const COMPLETION_TOKENS = STREAM_PIECES * 2;
const CREATED = 1_700_000_000;

/** The usage object of every answer: fixed, so a ledger's token totals are predictable. */
export function benchUsage(): Record<string, unknown> {
  return {
    prompt_tokens: PROMPT_TOKENS,
    completion_tokens: COMPLETION_TOKENS,
    total_tokens: PROMPT_TOKENS + COMPLETION_TOKENS,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** A complete `chat.completion` body whose text is the same as the streamed one. */
export function renderCompletion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: PIECE.repeat(STREAM_PIECES), refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: benchUsage(),
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  });
}

/** The SSE frames of a streamed answer, ending with `data: [DONE]`. */
export function renderStream(model: string, includeUsage: boolean): string {
  const frame = (choices: unknown[], usage?: unknown) => {
    const chunk: Record<string, unknown> = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model, service_tier: 'default', system_fingerprint: 'fp_bench', choices };
    // With include_usage, every chunk carries `usage: null` and one final chunk the totals.
    if (includeUsage) chunk.usage = usage ?? null;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  };
  const delta = (content: Record<string, unknown>, finish: string | null) => [{ index: 0, delta: content, logprobs: null, finish_reason: finish }];
  let body = frame(delta({ role: 'assistant', content: '', refusal: null }, null));
  for (let piece = 0; piece < STREAM_PIECES; piece++) body += frame(delta({ content: PIECE }, null));
  body += frame(delta({}, 'stop'));
  if (includeUsage) body += frame([], benchUsage());
  return `${body}data: [DONE]\n\n`;
}

interface Rendered {
  json: Buffer;
  stream: Buffer;
  streamWithUsage: Buffer;
}

const MODEL_FIELD = /"model"\s*:\s*"([^"\\]{1,200})"/;
const STREAM_TRUE = /"stream"\s*:\s*true/;
const INCLUDE_USAGE_TRUE = /"include_usage"\s*:\s*true/;

/** Starts the minimal upstream; resolves with its URL. */
export async function startMinimalUpstream(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const cache = new Map<string, Rendered>();
  const rendered = (model: string): Rendered => {
    let entry = cache.get(model);
    if (entry === undefined) {
      entry = { json: Buffer.from(renderCompletion(model)), stream: Buffer.from(renderStream(model, false)), streamWithUsage: Buffer.from(renderStream(model, true)) };
      // Model names come from the bench config, a handful; the bound is only a guard.
      if (cache.size < 1000) cache.set(model, entry);
    }
    return entry;
  };
  const server = createServer(function answer(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');
        return;
      }
      // A scan, not a parse: the point of this upstream is to cost nothing.
      const text = Buffer.concat(chunks).toString();
      const model = MODEL_FIELD.exec(text)?.[1] ?? 'bench';
      const bodies = rendered(model);
      if (STREAM_TRUE.test(text)) {
        const body = INCLUDE_USAGE_TRUE.test(text) ? bodies.streamWithUsage : bodies.stream;
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        response.end(body);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': bodies.json.length });
      response.end(bodies.json);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function runAsChild(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as UpstreamSpec;
  const upstream =
    spec.kind === 'minimal'
      ? await startMinimalUpstream(spec.port)
      : await startSimulator({ host: '127.0.0.1', port: spec.port, models: spec.models, receivedLimit: 1 });
  console.log(`listening ${upstream.url}`);
  const stop = () => void upstream.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAsChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
