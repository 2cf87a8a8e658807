/**
 * The error catalogue, its documentation and what is sent must not drift apart (fastify's
 * lesson): docs/errors.md lists every code with its status, kind and retryability, says where
 * each wire format carries the code, whole and in a stream, and shows examples that must be
 * exactly what the renderers write.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, JunctionError, type ErrorCode } from '../src/errors';
import { anthropicIngress, openaiIngress, type ChatIngress } from '../src/http/ingress/formats';
import { sendError } from '../src/http/respond';
import { parseSseText } from '../src/wire/sse';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `(\w+)` \| (\d+) \| (\w+) \| (true|false) \|/gm)].map((match) => [match[1], { status: Number(match[2]), kind: match[3], retryable: match[4] === 'true' }]),
);
const CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

type Format = 'openai' | 'anthropic';
type Where = 'whole' | 'stream';
const INGRESS: Record<Format, ChatIngress> = { openai: openaiIngress, anthropic: anthropicIngress };

/** "Where the code is": the path to the code in each format's error body, as the doc states it. */
function documentedPath(format: Format, where: Where): string[] {
  const row = new RegExp(`^\\| ${format === 'openai' ? 'OpenAI' : 'Anthropic'} \\| \`([\\w.]+)\` \\| \`([\\w.]+)\` \\|$`, 'm').exec(doc);
  if (row === null) throw new Error(`docs/errors.md has no "Where the code is" row for ${format}`);
  return (where === 'whole' ? row[1] : row[2]).split('.');
}

function at(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

/** The body a whole error response carries. */
function wholeBody(format: Format, error: JunctionError): unknown {
  return INGRESS[format].renderError(error).body;
}

/** The SSE text a stream ends with when it fails after its first byte. */
function streamText(format: Format, error: JunctionError): string {
  const encoder = INGRESS[format].streamEncoder('chat', false);
  encoder.encode({ type: 'start', id: 'id-1', model: 'upstream', created: 1_700_000_000 });
  encoder.encode({ type: 'text-delta', text: 'partial' });
  return encoder.error(error);
}

/** The JSON of the stream's error message. */
function streamBody(format: Format, error: JunctionError): unknown {
  const messages = parseSseText(streamText(format, error));
  expect(messages).toHaveLength(1);
  if (format === 'anthropic') expect(messages[0].event).toBe('error');
  return JSON.parse(messages[0].data);
}

/** The examples in the doc, each after its `<!-- wire: <format> <where> -->` marker. */
function documentedExample(format: Format, where: Where): string {
  const match = new RegExp(`<!-- wire: ${format} ${where} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (match === null) throw new Error(`docs/errors.md has no example marked "wire: ${format} ${where}"`);
  return match[1];
}

/** The error an example shows, rebuilt from the example's own code, message and fields. */
function errorOf(format: Format, body: Record<string, unknown>): JunctionError {
  const object = body.error as Record<string, unknown>;
  if (format === 'openai') {
    return new JunctionError(object.code as ErrorCode, object.message as string, object.param === null ? {} : { param: object.param as string });
  }
  const { error_code: code, ...details } = object.details as Record<string, unknown>;
  return new JunctionError(code as ErrorCode, object.message as string, Object.keys(details).length === 0 ? {} : { details });
}

describe('error catalogue', () => {
  it('documents every code with its status, kind and retryability, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(documented.get(code), code).toEqual({ status: spec.status, kind: spec.kind, retryable: spec.retryable });
    }
  });

  it.each(CODES)('%s builds an error carrying its catalogue entry', (code) => {
    const error = new JunctionError(code, 'message');
    expect(error.code).toBe(code);
    expect(error.status).toBe(ERROR_CATALOGUE[code].status);
    expect(error.retryable).toBe(ERROR_CATALOGUE[code].retryable);
  });
});

describe('error codes on the wire', () => {
  it.each<[Format, Where]>([
    ['openai', 'whole'],
    ['openai', 'stream'],
    ['anthropic', 'whole'],
    ['anthropic', 'stream'],
  ])('%s, %s: every catalogue code is where docs/errors.md says, as it is in the catalogue', (format, where) => {
    const path = documentedPath(format, where);
    for (const code of CODES) {
      const error = new JunctionError(code, 'something failed', { details: { attempts: [] } });
      const body = where === 'whole' ? wholeBody(format, error) : streamBody(format, error);
      expect(at(body, path), `${code} at ${path.join('.')}`).toBe(code);
    }
  });

  it.each<[Format]>([['openai'], ['anthropic']])('%s: the documented whole-response example is exactly what is rendered', (format) => {
    const example = documentedExample(format, 'whole').trim();
    const error = errorOf(format, JSON.parse(example));
    expect(JSON.stringify(wholeBody(format, error))).toBe(example);
  });

  it.each<[Format]>([['openai'], ['anthropic']])('%s: the documented stream example is exactly what is written', (format) => {
    const example = documentedExample(format, 'stream');
    const data = JSON.parse(/^data: (.*)$/m.exec(example)![1]) as Record<string, unknown>;
    expect(streamText(format, errorOf(format, data))).toBe(`${example.trimEnd()}\n\n`);
  });

  describe('over HTTP', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // The real error writer behind a real socket: ?format= picks the caller's format, ?code= the error.
      server = createServer((request, response) => {
        const query = new URL(request.url!, 'http://localhost').searchParams;
        const error = new JunctionError(query.get('code') as ErrorCode, 'something failed');
        sendError(response, INGRESS[query.get('format') as Format], error, 'request-1');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each<[Format]>([['openai'], ['anthropic']])('%s: a whole error response names the code in x-junction-error-code and in the body', async (format) => {
      for (const code of CODES) {
        const response = await fetch(`${url}/?format=${format}&code=${code}`);
        expect(response.status, code).toBe(ERROR_CATALOGUE[code].status);
        expect(response.headers.get('x-junction-error-code'), code).toBe(code);
        expect(at(await response.json(), documentedPath(format, 'whole')), code).toBe(code);
      }
    });
  });
});
