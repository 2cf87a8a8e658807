/**
 * The Batch API through the official `openai` client, over real HTTP, against the simulated
 * upstreams: upload a JSONL file, create a batch, poll it to completion, download the results
 * keyed by custom_id; bad lines in the error file; cancel; expiry (on Junction's injected
 * clock); tenancy between keys; every line in the ledger with ingress `batch`.
 */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { startHarness, type Harness } from '../support/harness';
import { eventually } from '../support/until';

const ADMIN_KEY = 'admin-secret-for-batch-tests';
const alice = generateKey();
const bob = generateKey();
let harness: Harness;
/** Added to Junction's clock: the expiry test moves time on. */
let offsetMs = 0;

beforeAll(async () => {
  harness = await startHarness({
    env: { JUNCTION_ADMIN_KEY: ADMIN_KEY },
    now: () => Date.now() + offsetMs,
    routes: { slow: { deployments: ['openai-big'] } },
    auth: {
      mode: 'keys',
      teams: { research: { name: 'Research' } },
      keys: [
        { id: 'alice', hash: alice.hash, team: 'research' },
        { id: 'bob', hash: bob.hash, scopes: ['embeddings'] },
      ],
    },
    // Room for every line at once on most deployments; `openai-big` (route `slow`) takes one a minute, so its batches stay in progress.
    batch: { enabled: true, tickMs: 20, margin: 0, defaultCapacityRpm: 600_000, capacityRpm: { 'openai-big': 1 } },
  });
});
afterAll(() => harness?.close());

const client = (apiKey: string) => new OpenAI({ baseURL: `${harness.url}/v1`, apiKey, maxRetries: 0 });
const chatLine = (customId: string, model = 'to-openai', content = `hello ${customId}`) => JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content }] } });

async function upload(openai: OpenAI, lines: string[]) {
  return openai.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'input.jsonl'), purpose: 'batch' });
}

async function settled(openai: OpenAI, id: string, status: string) {
  let batch = await openai.batches.retrieve(id);
  await eventually(async () => (batch = await openai.batches.retrieve(id)).status === status, `batch ${id} ${status}`, 10_000);
  return batch;
}

async function refusal(call: Promise<unknown>): Promise<{ status: number | undefined; code: unknown }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected a refusal');
}

const jsonLines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; response: { status_code: number; body: any } | null; error: { code: string } | null });

describe('Batch API with the openai client', () => {
  it('uploads, runs every line through the gateway, and returns results keyed by custom_id', async () => {
    const openai = client(alice.key);
    const lines = [...Array.from({ length: 6 }, (_, index) => chatLine(`q-${index}`)), chatLine('unknown-model', 'no-such-route'), '{not json'];
    const file = await upload(openai, lines);
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'input.jsonl', status: 'processed' });
    expect(file.id).toMatch(/^file-/);
    expect((await openai.files.retrieve(file.id)).bytes).toBe(file.bytes);

    const created = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'nightly' } });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', completion_window: '24h', input_file_id: file.id, metadata: { job: 'nightly' } });
    expect(created.expires_at! - created.created_at).toBe(24 * 3_600);

    const done = await settled(openai, created.id, 'completed');
    expect(done.request_counts).toEqual({ total: 8, completed: 6, failed: 2 });
    expect(done.in_progress_at).not.toBeNull();
    expect(done.completed_at).not.toBeNull();

    const output = jsonLines(await (await openai.files.content(done.output_file_id!)).text());
    expect(output.map((line) => line.custom_id).sort()).toEqual(['q-0', 'q-1', 'q-2', 'q-3', 'q-4', 'q-5']);
    for (const line of output) {
      expect(line.error).toBeNull();
      expect(line.response!.status_code).toBe(200);
      expect(line.response!.body).toMatchObject({ object: 'chat.completion', model: 'to-openai' });
      expect(line.response!.body.choices[0].message.content.length).toBeGreaterThan(0);
    }
    const errors = jsonLines(await (await openai.files.content(done.error_file_id!)).text());
    expect(errors.find((line) => line.custom_id === 'unknown-model')!.response).toMatchObject({ status_code: 404, body: { error: { code: 'model_not_found' } } });
    expect(errors.find((line) => line.custom_id === '')!.error).toMatchObject({ code: 'invalid_json_line' });

    // Each line was a request like any other: in the ledger as alice's, team and all, from the batch ingress.
    const entries = (await harness.junction.ledger.query({ limit: 100 })).filter((entry) => entry.ingress === 'batch');
    expect(entries).toHaveLength(7);
    expect(entries.every((entry) => entry.principal === 'alice' && entry.team === 'research')).toBe(true);
    expect(entries.filter((entry) => entry.status === 200 && entry.deployment === 'openai-mini')).toHaveLength(6);
  });

  it('runs embeddings batches', async () => {
    const openai = client(bob.key);
    const file = await upload(openai, ['a', 'b'].map((text) => JSON.stringify({ custom_id: text, method: 'POST', url: '/v1/embeddings', body: { model: 'embeddings', input: text } })));
    const batch = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
    const done = await settled(openai, batch.id, 'completed');
    expect(done.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    const output = jsonLines(await (await openai.files.content(done.output_file_id!)).text());
    expect(output[0]!.response!.body).toMatchObject({ object: 'list', model: 'embeddings' });
  });

  it('fails a batch whose file repeats a custom_id', async () => {
    const openai = client(alice.key);
    const file = await upload(openai, [chatLine('same'), chatLine('same')]);
    const batch = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const failed = await settled(openai, batch.id, 'failed');
    expect(failed.errors!.data![0]).toMatchObject({ code: 'duplicate_custom_id', line: 2 });
    expect(failed.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
  });

  it('cancels a batch: its unrun lines never run', async () => {
    const openai = client(alice.key);
    const file = await upload(openai, Array.from({ length: 5 }, (_, index) => chatLine(`slow-${index}`, 'slow')));
    const batch = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await settled(openai, batch.id, 'in_progress');
    const cancelling = await openai.batches.cancel(batch.id);
    expect(['cancelling', 'cancelled']).toContain(cancelling.status);
    const cancelled = await settled(openai, batch.id, 'cancelled');
    expect(cancelled.cancelled_at).not.toBeNull();
    // One line a minute on this route: at most the first had started.
    expect(cancelled.request_counts!.completed + cancelled.request_counts!.failed).toBeLessThanOrEqual(1);
    await expect(refusal(openai.batches.cancel('batch_nope'))).resolves.toEqual({ status: 404, code: 'batch_not_found' });
  });

  it('keeps files and batches to their owner, and lists them newest first', async () => {
    const owner = client(alice.key);
    const other = client(bob.key);
    const file = await upload(owner, [chatLine('mine')]);
    const batch = await owner.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await expect(refusal(other.batches.retrieve(batch.id))).resolves.toEqual({ status: 404, code: 'batch_not_found' });
    await expect(refusal(other.files.retrieve(file.id))).resolves.toEqual({ status: 404, code: 'file_not_found' });
    await expect(refusal(other.files.content(file.id))).resolves.toEqual({ status: 404, code: 'file_not_found' });
    await expect(refusal(other.files.delete(file.id))).resolves.toEqual({ status: 404, code: 'file_not_found' });
    expect((await other.batches.list()).data.map((listed) => listed.id)).not.toContain(batch.id);

    const page = await owner.batches.list({ limit: 2 });
    expect(page.data[0]!.id).toBe(batch.id);
    expect(page.data).toHaveLength(2);
    const next = await owner.batches.list({ limit: 2, after: page.data[1]!.id });
    expect(next.data.map((listed) => listed.id)).not.toContain(batch.id);

    // The admin key owns nothing: it cannot make batches.
    const admin = client(ADMIN_KEY);
    await expect(refusal(admin.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }))).resolves.toEqual({ status: 403, code: 'permission_denied' });
    // A key without the chat scope cannot make a chat batch.
    const bobs = await upload(other, [chatLine('x')]);
    await expect(refusal(other.batches.create({ input_file_id: bobs.id, endpoint: '/v1/chat/completions', completion_window: '24h' }))).resolves.toEqual({ status: 403, code: 'permission_denied' });

    await expect(owner.files.delete(file.id)).resolves.toMatchObject({ id: file.id, deleted: true });
    await expect(refusal(owner.files.retrieve(file.id))).resolves.toEqual({ status: 404, code: 'file_not_found' });
  });

  it('refuses bad requests in OpenAI’s error shape', async () => {
    const openai = client(alice.key);
    await expect(refusal(openai.batches.create({ input_file_id: 'file-none', endpoint: '/v1/chat/completions', completion_window: '24h' }))).resolves.toEqual({ status: 404, code: 'file_not_found' });
    const file = await upload(openai, [chatLine('a')]);
    await expect(refusal(openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '2d' as '24h' }))).resolves.toEqual({ status: 400, code: 'invalid_request' });
    await expect(refusal(openai.batches.create({ input_file_id: file.id, endpoint: '/v1/responses' as '/v1/chat/completions', completion_window: '24h' }))).resolves.toEqual({ status: 400, code: 'invalid_request' });
    await expect(refusal(openai.files.create({ file: await toFile(Buffer.from('x'), 'a.jsonl'), purpose: 'fine-tune' }))).resolves.toEqual({ status: 400, code: 'invalid_request' });
    await expect(refusal(client('jk-not-a-key').batches.list())).resolves.toMatchObject({ status: 401 });
  });

  it('reports the forecast of interactive load to the admin key only', async () => {
    // Batch lines are not interactive load: only this request counts.
    await client(alice.key).chat.completions.create({ model: 'to-anthropic', messages: [{ role: 'user', content: 'hi' }] });
    const forecast = await fetch(`${harness.url}/admin/forecast`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(forecast.status).toBe(200);
    const body = (await forecast.json()) as { bucketMinutes: number; deployments: Array<{ deployment: string; next: Array<{ actual: number }> }>; p99TargetMs: number };
    expect(body.bucketMinutes).toBe(15);
    expect(body.p99TargetMs).toBe(1_000);
    expect(body.deployments.map((entry) => entry.deployment)).toEqual(['anthropic-haiku']);
    expect((await fetch(`${harness.url}/admin/forecast`, { headers: { authorization: `Bearer ${alice.key}` } })).status).toBe(403);
  });

  it('expires lines not run within the completion window', async () => {
    const openai = client(alice.key);
    const file = await upload(openai, Array.from({ length: 3 }, (_, index) => chatLine(`late-${index}`, 'slow')));
    const batch = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '1h' as '24h' });
    await settled(openai, batch.id, 'in_progress');
    offsetMs = 2 * 3_600_000;
    const expired = await settled(openai, batch.id, 'expired');
    expect(expired.expired_at).not.toBeNull();
    const errors = jsonLines(await (await openai.files.content(expired.error_file_id!)).text());
    expect(errors.filter((line) => line.error?.code === 'batch_expired').length).toBeGreaterThanOrEqual(2);
    expect(expired.request_counts!.total).toBe(3);
  });
});
