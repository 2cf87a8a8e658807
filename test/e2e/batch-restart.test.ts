/**
 * A batch kept in the SQLite batch store outlives the gateway: created on one run, it is
 * found and finished by the next, with its files and owner intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { startHarness, type HarnessOptions } from '../support/harness';
import { eventually } from '../support/until';

const directory = mkdtempSync(join(tmpdir(), 'junction-batch-restart-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const owner = generateKey();
const options = (capacityRpm: number): HarnessOptions => ({
  auth: { mode: 'keys', keys: [{ id: 'owner', hash: owner.hash }] },
  batch: { enabled: true, tickMs: 20, margin: 0, store: { kind: 'sqlite', path: join(directory, 'batches.db') }, capacityRpm: { 'openai-mini': capacityRpm } },
});

it('finishes after a restart the batch the previous run left in progress', async () => {
  // First run: one line a minute, so the batch is still in progress when it stops.
  const first = await startHarness(options(1));
  const client = new OpenAI({ baseURL: `${first.url}/v1`, apiKey: owner.key, maxRetries: 0 });
  const lines = Array.from({ length: 4 }, (_, index) => JSON.stringify({ custom_id: `c-${index}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'to-openai', messages: [{ role: 'user', content: `hi ${index}` }] } }));
  const file = await client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'in.jsonl'), purpose: 'batch' });
  const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  await eventually(async () => (await client.batches.retrieve(batch.id)).status === 'in_progress', 'in progress');
  await first.close();

  // Second run, same store, room for everything.
  const second = await startHarness(options(600_000));
  try {
    const again = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: owner.key, maxRetries: 0 });
    await expect(again.files.retrieve(file.id)).resolves.toMatchObject({ id: file.id, purpose: 'batch' });
    let done = await again.batches.retrieve(batch.id);
    await eventually(async () => (done = await again.batches.retrieve(batch.id)).status === 'completed', 'completed', 10_000);
    expect(done.request_counts).toEqual({ total: 4, completed: 4, failed: 0 });
    const output = (await (await again.files.content(done.output_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line).custom_id);
    expect(output.sort()).toEqual(['c-0', 'c-1', 'c-2', 'c-3']);
  } finally {
    await second.close();
  }
});
