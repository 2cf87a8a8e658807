/**
 * The PostgreSQL ledger's local spool on its own: order, durability bookkeeping, a replay cut
 * short, appends during a replay, and a line torn by a crash.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSpool, SpoolLineUnreadableError } from '../../src/ledger/postgres/spool';
import type { RowBatch } from '../../src/ledger/postgres/write-batch';

const directory = mkdtempSync(join(tmpdir(), 'junction-spool-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(directory, `nested-${(files += 1)}`, 'ledger.spool');

const batch = (writer: string, first: number, count: number): RowBatch => ({
  writer,
  rows: Array.from({ length: count }, (_, index) => [first + index, `req-${first + index}`, 1.5, null, true, 'quote " and \\ and\nnewline']),
});

describe('ledger spool', () => {
  it('starts empty, creates its directory on the first append, and replays batches in order, values intact', async () => {
    const path = freshPath();
    const spool = openSpool(path, () => undefined);
    expect(spool.hasData).toBe(false);
    const batches = [batch('w1', 0, 3), batch('w1', 3, 2), batch('w2', 0, 1)];
    for (const one of batches) await spool.append(one);
    expect(spool.hasData).toBe(true);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(3);

    const replayed: RowBatch[] = [];
    await spool.replay(async (one) => void replayed.push(one));
    expect(replayed).toEqual(batches);
    expect(spool.hasData).toBe(false);
    expect(existsSync(path) || existsSync(`${path}.replaying`)).toBe(false);
    await spool.replay(async () => expect.fail('nothing to replay'));
  });

  it('keeps the batch that failed and all after it, and a later replay starts again from the first it kept', async () => {
    const path = freshPath();
    const spool = openSpool(path, () => undefined);
    for (let index = 0; index < 4; index += 1) await spool.append(batch('w', index * 10, 1));
    const written: number[] = [];
    let fail = true;
    const write = async (one: RowBatch): Promise<void> => {
      if (one.rows[0][0] === 20 && fail) throw new Error('down again');
      written.push(one.rows[0][0] as number);
    };
    await expect(spool.replay(write)).rejects.toThrow('down again');
    expect(spool.hasData).toBe(true);
    fail = false;
    await spool.replay(write);
    // The file aside is replayed whole again: the ledger's keys make the repeats harmless.
    expect(written).toEqual([0, 10, 0, 10, 20, 30]);
    expect(spool.hasData).toBe(false);
  });

  it('takes appends while it replays, into a fresh file, and replays those too', async () => {
    const path = freshPath();
    const spool = openSpool(path, () => undefined);
    await spool.append(batch('w', 0, 1));
    const written: number[] = [];
    await spool.replay(async (one) => {
      written.push(one.rows[0][0] as number);
      if (one.rows[0][0] === 0) await spool.append(batch('w', 1, 1));
    });
    expect(written).toEqual([0, 1]);
    expect(spool.hasData).toBe(false);
  });

  it('picks up what an earlier process left, in the file aside first', async () => {
    const path = freshPath();
    const earlier = openSpool(path, () => undefined);
    await earlier.append(batch('old', 0, 1));
    await expect(earlier.replay(async () => Promise.reject(new Error('cut short')))).rejects.toThrow();
    await earlier.append(batch('old', 1, 1));

    const later = openSpool(path, () => undefined);
    expect(later.hasData).toBe(true);
    const written: number[] = [];
    await later.replay(async (one) => void written.push(one.rows[0][0] as number));
    expect(written).toEqual([0, 1]);
  });

  it('skips and reports a line torn by a crash mid-append, and replays the rest', async () => {
    const path = freshPath();
    const spool = openSpool(path, () => undefined);
    await spool.append(batch('w', 0, 1));
    appendFileSync(path, '{"writer":"w","rows":[[1,"req-');
    const onError = vi.fn();
    const reopened = openSpool(path, onError);
    const written: number[] = [];
    await reopened.replay(async (one) => void written.push(one.rows[0][0] as number));
    expect(written).toEqual([0]);
    expect(onError).toHaveBeenCalledWith(expect.any(SpoolLineUnreadableError));
    expect(String(onError.mock.calls[0][0].message)).toMatch(/line 2 is not a batch/);
  });
});
