/**
 * The local spool that keeps ledger rows while PostgreSQL cannot take them: an append-only
 * file of JSON lines, one batch (writer and rows) per line, each append fsync'd before it is
 * acknowledged. Replaying moves the file aside (`<path>.replaying`), so that appends go on into
 * a fresh file meanwhile, sends its batches in order, and deletes it once all are written. A
 * replay cut short (PostgreSQL gone again, the process killed) starts over from the first
 * batch of the file aside: rows already written are skipped by their key, so that is harmless.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { RowBatch } from './write-batch';

export interface Spool {
  /** Appends one batch and fsyncs it; resolves once it would survive a crash of the machine. */
  append(batch: RowBatch): Promise<void>;
  /**
   * Sends every spooled batch to `write`, oldest first, removing what was sent. Stops at the
   * first batch `write` rejects, keeping it and all after it, and rejects with its error.
   */
  replay(write: (batch: RowBatch) => Promise<void>): Promise<void>;
  /** Whether any batch is waiting to be replayed. */
  readonly hasData: boolean;
}

/** Raised through `onError` for a spool line that is not a batch (a line torn by a crash mid-append); it is skipped. */
export class SpoolLineUnreadableError extends Error {
  constructor(path: string, line: number, cause: unknown) {
    super(`ledger spool ${path}: line ${line} is not a batch and was skipped`, { cause });
    this.name = 'SpoolLineUnreadableError';
  }
}

/** Whether the file exists and is not empty. Synchronous: only for opening, at startup. */
const hasBytesNow = (path: string): boolean => existsSync(path) && statSync(path).size > 0;

async function hasBytes(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export function openSpool(path: string, onError: (error: unknown) => void): Spool {
  const aside = `${path}.replaying`;
  // Known at start (a previous process may have left batches) and kept up to date after.
  let liveHasData = hasBytesNow(path);
  let asideExists = existsSync(aside);
  // Appends and the move aside take turns: a batch is never written into a file being moved.
  let turn: Promise<unknown> = Promise.resolve();
  function inTurn<T>(step: () => Promise<T>): Promise<T> {
    const run = turn.then(step);
    turn = run.catch(() => undefined);
    return run;
  }

  let directoryReady: Promise<void> | undefined;

  async function append(batch: RowBatch): Promise<void> {
    const line = `${JSON.stringify(batch)}\n`;
    await inTurn(async () => {
      directoryReady ??= mkdir(dirname(path), { recursive: true }).then(() => undefined);
      await directoryReady.catch((error: unknown) => {
        directoryReady = undefined;
        throw error;
      });
      // 'ax' creates the file or fails if it is there: then it is appended to, and only a new
      // file's name needs making durable (else a power cut could lose the whole file).
      let created = true;
      const file = await open(path, 'ax').catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        created = false;
        return open(path, 'a');
      });
      try {
        await file.writeFile(line, 'utf8');
        await file.datasync();
      } finally {
        await file.close();
      }
      if (created) await syncDirectory(dirname(path));
      liveHasData = true;
    });
  }

  async function replayFile(file: string, write: (batch: RowBatch) => Promise<void>): Promise<void> {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let number = 0;
    try {
      for await (const line of lines) {
        number += 1;
        if (line === '') continue;
        let batch: RowBatch;
        try {
          batch = JSON.parse(line) as RowBatch;
          if (typeof batch.writer !== 'string' || !Array.isArray(batch.rows)) throw new TypeError('not a batch');
        } catch (error) {
          onError(new SpoolLineUnreadableError(file, number, error));
          continue;
        }
        await write(batch);
      }
    } finally {
      lines.close();
    }
  }

  return {
    append,
    async replay(write) {
      for (;;) {
        if (!asideExists) {
          const moved = await inTurn(async () => {
            if (!liveHasData && !(await hasBytes(path))) return false;
            await rename(path, aside);
            await syncDirectory(dirname(path));
            liveHasData = false;
            return true;
          });
          if (!moved) return;
          asideExists = true;
        }
        await replayFile(aside, write);
        await rm(aside, { force: true });
        asideExists = false;
      }
    },
    get hasData() {
      return liveHasData || asideExists;
    },
  };
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
