import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settlesWithin, until } from '../../test/support/until';
import { createWebhookNotifier, sleepUnlessAborted, type WebhookEvent, type WebhookFailure, type WebhookNotifierOptions } from './webhook';

/** What the receiver does with each request, in turn; once the script runs out it answers 200. */
type Reply = number | { status: number; headers?: Record<string, string> } | 'reset' | 'hang';

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let server: Server;
let url: string;
let script: Reply[] = [];
let received: Received[] = [];
/** Responses held open by 'hang', answered when a test lets them go. */
let hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ method: request.method!, headers: request.headers, body: text === '' ? undefined : JSON.parse(text) });
      const reply = script.shift() ?? 200;
      if (reply === 'reset') return request.socket.destroy();
      if (reply === 'hang') return void hanging.push(response);
      const { status, headers } = typeof reply === 'number' ? { status: reply, headers: {} } : reply;
      response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(`answered ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/junction`;
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  script = [];
  received = [];
  for (const response of hanging) response.destroy();
  hanging = [];
});

const event = (id: string, payload: object = { threshold: 0.8 }): WebhookEvent => ({ id, type: 'budget.threshold', payload });

/** A notifier with instant, recorded backoffs and a fixed jitter draw. */
function setup(options: Partial<WebhookNotifierOptions> = {}) {
  const failures: WebhookFailure[] = [];
  const deliveries: Array<{ id: string; attempts: number }> = [];
  const delays: number[] = [];
  const notifier = createWebhookNotifier({
    url,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    now: () => 1_767_225_600_000,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    onError: (failure) => failures.push(failure),
    onDelivered: (delivered, attempts) => deliveries.push({ id: delivered.id, attempts }),
    ...options,
  });
  return { notifier, failures, deliveries, delays };
}

describe('webhook notifier', () => {
  it('posts the event as JSON, with its id as the idempotency key', async () => {
    const { notifier, deliveries } = setup({ headers: { authorization: 'Bearer secret', 'Content-Type': 'text/plain' } });
    expect(notifier.notify(event('budget:key_1:2026-12-05:0.8', { spentUsd: 80 }))).toBe('queued');
    await settlesWithin(notifier.idle(), 3_000, 'delivery');
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    expect(headers['idempotency-key']).toBe('budget:key_1:2026-12-05:0.8');
    expect(headers['x-junction-event-id']).toBe('budget:key_1:2026-12-05:0.8');
    expect(headers['x-junction-event-type']).toBe('budget.threshold');
    expect(headers['content-type']).toBe('application/json');
    expect(headers.authorization).toBe('Bearer secret');
    expect(body).toEqual({ id: 'budget:key_1:2026-12-05:0.8', type: 'budget.threshold', at: 1_767_225_600_000, payload: { spentUsd: 80 } });
    expect(deliveries).toEqual([{ id: 'budget:key_1:2026-12-05:0.8', attempts: 1 }]);
  });

  it('retries 5xx, 429 and dropped connections with growing, jittered delays, and delivers once', async () => {
    script = [500, 'reset', 429, 503];
    const { notifier, failures, deliveries, delays } = setup();
    notifier.notify(event('e1'));
    await settlesWithin(notifier.idle(), 3_000, 'delivery');
    expect(received).toHaveLength(5);
    // Every attempt sends the same event and says which attempt it is.
    expect(new Set(received.map(({ body }) => JSON.stringify(body))).size).toBe(1);
    expect(received.map(({ headers }) => headers['x-junction-delivery-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    expect(received.every(({ headers }) => headers['idempotency-key'] === 'e1')).toBe(true);
    // Full jitter at a draw of 0.5: half of 100, 200, 400, 800.
    expect(delays).toEqual([50, 100, 200, 400]);
    expect(deliveries).toEqual([{ id: 'e1', attempts: 5 }]);
    expect(failures).toEqual([]);
  });

  it('waits as long as Retry-After asks, up to the longest delay', async () => {
    script = [{ status: 429, headers: { 'retry-after': '2' } }, { status: 503, headers: { 'retry-after': '3600' } }];
    const { notifier, delays } = setup();
    notifier.notify(event('e1'));
    await settlesWithin(notifier.idle(), 3_000, 'delivery');
    expect(delays).toEqual([2_000, 5_000]);
  });

  it('gives up after maxAttempts, and tells onError', async () => {
    script = [503, 503, 503, 503];
    const { notifier, failures, deliveries } = setup({ maxAttempts: 3 });
    notifier.notify(event('e1'));
    await settlesWithin(notifier.idle(), 3_000, 'giving up');
    expect(received).toHaveLength(3);
    expect(deliveries).toEqual([]);
    expect(failures).toEqual([expect.objectContaining({ reason: 'gave_up', attempts: 3, status: 503, event: event('e1') })]);
    // Not delivered, so not remembered: the same alert may be tried again later.
    expect(notifier.notify(event('e1'))).toBe('queued');
    await settlesWithin(notifier.idle(), 3_000, 'second delivery');
    expect(received).toHaveLength(5);
  });

  it('reports the network error when the receiver cannot be reached at all', async () => {
    const { notifier, failures } = setup({ url: 'http://127.0.0.1:1/unreachable', maxAttempts: 2 });
    notifier.notify(event('e1'));
    await settlesWithin(notifier.idle(), 3_000, 'giving up');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'gave_up', attempts: 2, status: undefined });
    expect(failures[0].error).toBeInstanceOf(Error);
  });

  it.each([400, 401, 404, 410, 422, 302])('does not retry a %d, nor follow it elsewhere', async (status) => {
    script = [{ status, headers: { location: '/elsewhere' } }];
    const { notifier, failures, delays } = setup();
    notifier.notify(event('e1'));
    await settlesWithin(notifier.idle(), 3_000, 'rejection');
    expect(received.map(({ method }) => method)).toEqual(['POST']);
    expect(delays).toEqual([]);
    expect(failures).toEqual([expect.objectContaining({ reason: 'rejected', attempts: 1, status })]);
  });

  it('gives up on an attempt that takes too long, and tries again', async () => {
    script = ['hang'];
    const { notifier, deliveries } = setup({ attemptTimeoutMs: 100 });
    notifier.notify(event('e1'));
    await settlesWithin(notifier.idle(), 3_000, 'delivery after a timed-out attempt');
    expect(received).toHaveLength(2);
    expect(deliveries).toEqual([{ id: 'e1', attempts: 2 }]);
  });

  it('drops an id being delivered or already delivered', async () => {
    script = [500];
    const { notifier, deliveries } = setup();
    expect(notifier.notify(event('e1'))).toBe('queued');
    expect(notifier.notify(event('e1', { other: true }))).toBe('duplicate');
    await settlesWithin(notifier.idle(), 3_000, 'delivery');
    expect(notifier.notify(event('e1'))).toBe('duplicate');
    expect(notifier.notify(event('e2'))).toBe('queued');
    await settlesWithin(notifier.idle(), 3_000, 'delivery');
    expect(received.map(({ body }) => (body as { id: string }).id)).toEqual(['e1', 'e1', 'e2']);
    expect(deliveries.map(({ id }) => id)).toEqual(['e1', 'e2']);
  });

  it('remembers only the most recent delivered ids', async () => {
    const { notifier } = setup({ recentIds: 2 });
    for (const id of ['a', 'b', 'c']) notifier.notify(event(id));
    await settlesWithin(notifier.idle(), 3_000, 'deliveries');
    expect(notifier.notify(event('c'))).toBe('duplicate');
    expect(notifier.notify(event('b'))).toBe('duplicate');
    expect(notifier.notify(event('a'))).toBe('queued');
    await settlesWithin(notifier.idle(), 3_000, 'delivery');
  });

  it('returns at once even when the receiver hangs, and refuses events beyond its queue', async () => {
    script = ['hang', 'hang'];
    const { notifier, failures } = setup({ concurrency: 1, maxQueue: 2 });
    expect(notifier.notify(event('e1'))).toBe('queued');
    expect(notifier.notify(event('e2'))).toBe('queued');
    expect(notifier.notify(event('e3'))).toBe('queued');
    expect(notifier.notify(event('e4'))).toBe('queue_full');
    expect(failures).toEqual([expect.objectContaining({ reason: 'queue_full', attempts: 0, event: event('e4') })]);
    expect(notifier.stats()).toEqual({ queued: 2, delivering: 1 });
    await until(() => hanging.length === 1, 'the first request to arrive');
    hanging.shift()!.writeHead(200).end();
    await until(() => hanging.length === 1, 'the second request to arrive');
    hanging.shift()!.writeHead(204).end();
    await settlesWithin(notifier.idle(), 3_000, 'the rest');
    expect(received.map(({ body }) => (body as { id: string }).id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('refuses a payload that is not JSON without throwing', () => {
    const { notifier, failures } = setup();
    expect(notifier.notify(event('e1', { amount: 1n }))).toBe('unserializable');
    expect(failures).toEqual([expect.objectContaining({ reason: 'unserializable', attempts: 0 })]);
  });

  it('keeps delivering when onError throws', async () => {
    script = [400];
    const { notifier, deliveries } = setup({
      onError: () => {
        throw new Error('a broken logger');
      },
    });
    notifier.notify(event('e1'));
    notifier.notify(event('e2'));
    await settlesWithin(notifier.idle(), 3_000, 'deliveries');
    expect(deliveries.map(({ id }) => id)).toEqual(['e2']);
  });

  it('on close, waits for deliveries under way and takes no new events', async () => {
    script = ['hang'];
    const { notifier, deliveries } = setup();
    notifier.notify(event('e1'));
    await until(() => hanging.length === 1, 'the request to arrive');
    const closing = notifier.close(3_000);
    expect(notifier.notify(event('e2'))).toBe('closed');
    hanging.shift()!.writeHead(200).end();
    await settlesWithin(closing, 3_000, 'close');
    expect(deliveries).toEqual([{ id: 'e1', attempts: 1 }]);
    expect(received).toHaveLength(1);
  });

  it('on close, waits only so long, then reports what was not delivered', async () => {
    script = ['hang'];
    const { notifier, failures } = setup({ concurrency: 1 });
    notifier.notify(event('e1'));
    notifier.notify(event('e2'));
    await until(() => hanging.length === 1, 'the request to arrive');
    // Reported by the time close() resolves, not whenever the aborted request unwinds.
    const reportedAtClose = await settlesWithin(
      notifier.close(100).then(() => failures.length),
      2_000,
      'close',
    );
    expect(reportedAtClose).toBe(2);
    expect(failures.map(({ event: { id }, reason }) => [id, reason]).sort()).toEqual([
      ['e1', 'closed'],
      ['e2', 'closed'],
    ]);
    // Once each, even as the aborted request unwinds afterwards.
    await settlesWithin(notifier.idle(), 2_000, 'the aborted request to unwind');
    expect(failures).toHaveLength(2);
    expect(received).toHaveLength(1);
  });

  it('cuts a backoff short on close', async () => {
    script = [503];
    const { notifier, failures } = setup({ sleep: sleepUnlessAborted, baseDelayMs: 60_000, random: () => 1 });
    notifier.notify(event('e1'));
    await until(() => received.length === 1, 'the first attempt');
    await settlesWithin(notifier.close(50), 2_000, 'close');
    await settlesWithin(notifier.idle(), 2_000, 'the backoff to end');
    expect(failures).toEqual([expect.objectContaining({ reason: 'closed', attempts: 1 })]);
    expect(received).toHaveLength(1);
  });
});
