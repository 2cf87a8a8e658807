/**
 * A tiny OpenAI-compatible upstream with a two-point latency: most answers after `baseMs`, a
 * seeded `tailShare` of them `tailFactor` times slower. The simulator's lognormal latency has
 * no such "5% are 10× slower" shape, and this figure needs exactly that shape.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../src/simulator';

export interface TailSpec {
  baseMs: number;
  tailShare: number;
  tailFactor: number;
  seed: number;
}

export interface TailUpstream {
  /** Base URL with the `/v1` prefix. */
  url: string;
  /** Requests received per model, and requests whose caller went away before the answer. */
  counts(): { byModel: Record<string, number>; aborted: number; slow: number };
  close(): Promise<void>;
}

export async function startTailUpstream(spec: TailSpec): Promise<TailUpstream> {
  const random = seededRandom(spec.seed);
  const byModel: Record<string, number> = {};
  let aborted = 0;
  let slow = 0;
  let serial = 0;

  const server = createServer(function answerChat(request, response) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let model = 'unknown';
      try {
        model = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: unknown }).model ?? 'unknown');
      } catch {
        // Junction only sends JSON; a parse failure still gets an answer below.
      }
      byModel[model] = (byModel[model] ?? 0) + 1;
      const inTail = random() < spec.tailShare;
      if (inTail) slow += 1;
      const delay = inTail ? spec.baseMs * spec.tailFactor : spec.baseMs;
      const timer = setTimeout(() => {
        serial += 1;
        const body = JSON.stringify({
          id: `chatcmpl-tail-${serial}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the tail upstream.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 8, completion_tokens: 6, total_tokens: 14 },
        });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      }, delay);
      response.on('close', () => {
        if (!response.writableFinished) {
          clearTimeout(timer);
          aborted += 1;
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    counts: () => ({ byModel: { ...byModel }, aborted, slow }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
