/**
 * The batch runner: on each tick it moves batches along their lifecycle (validating →
 * in_progress → finalizing → completed; cancelling → cancelled; expired) and starts as many
 * lines as the scheduler allows on each route, nearest deadline first, never more than
 * `maxInFlight` at once. A line's result is stored as it finishes and its batch's counts move
 * with it; a batch's output and error files are written when its last line is done.
 */
import { Cancel } from '../gateway/execution/cancel';
import { resultFiles, succeeded } from './jsonl';
import { unrunLine } from './line-executor';
import { linesThisTick, PLANNED_SHARE, scheduleBatch, type CapacityView } from './scheduler';
import type { BatchLine, BatchRecord, BatchStatus, BatchStore, LineResult } from './types';

export interface RunnerOptions {
  store: BatchStore;
  /** Runs one line of `batch` (as its owner); aborted through `cancel` when the batch is cancelled. */
  execute(line: BatchLine, batch: BatchRecord, cancel: Cancel): Promise<LineResult>;
  /** Capacity, current and forecast interactive load of a route's deployments, until `deadline`; undefined: unknown route, run at `maxInFlight`. */
  capacity(route: string, now: number, deadline: number): CapacityView | undefined;
  /** Writes an output or error file for the batch's owner; answers its id. */
  writeFile(batch: BatchRecord, name: string, content: string): Promise<string>;
  requestId(now: number): string;
  now: () => number;
  bucketMs: number;
  margin: number;
  maxInFlight: number;
  /** Told of store failures (the runner keeps going). */
  onError?: (error: unknown) => void;
}

export interface Runner {
  /** One round of decisions; ticks never overlap (a tick asked for during one waits for it). */
  tick(): Promise<void>;
  /** Marks a batch cancelling (in turn with its other writes) and stops its running lines; the next tick finishes it as cancelled. */
  cancel(batchId: string): Promise<void>;
  /** Lines running now, over all batches. */
  readonly inFlight: number;
  /** Waits for every running line and pending store write. */
  drain(): Promise<void>;
}

/** Statuses a batch ends in, and which of its instants each sets. */
const FINAL_AT = { completed: 'completedAt', expired: 'expiredAt', cancelled: 'cancelledAt', failed: 'failedAt' } as const;

export function createRunner(options: RunnerOptions): Runner {
  const { store, now } = options;
  const running = new Map<string, Set<Promise<void>>>();
  const cancels = new Map<string, Cancel>();
  const carry = new Map<string, number>();
  const lastTick = new Map<string, number>();
  const chains = new Map<string, Promise<void>>();
  let inFlight = 0;
  let ticking: Promise<void> | undefined;
  const report = (error: unknown) => options.onError?.(error);

  /** Store writes for one batch happen one after another: counts are read, moved and written back whole. */
  function serial(batchId: string, step: () => Promise<void>): Promise<void> {
    const next = (chains.get(batchId) ?? Promise.resolve()).then(step).catch(report);
    chains.set(batchId, next);
    void next.finally(() => {
      if (chains.get(batchId) === next) chains.delete(batchId);
    });
    return next;
  }

  const busy = (batchId: string) => (running.get(batchId)?.size ?? 0) > 0 || chains.has(batchId);
  const cancelOf = (batchId: string) => {
    let cancel = cancels.get(batchId);
    if (!cancel) cancels.set(batchId, (cancel = new Cancel()));
    return cancel;
  };

  function record(batchId: string, result: LineResult): Promise<void> {
    return serial(batchId, async () => {
      await store.putResult(batchId, result);
      const batch = await store.getBatch(batchId);
      if (!batch) return;
      if (succeeded(result)) batch.counts.completed += 1;
      else batch.counts.failed += 1;
      await store.updateBatch(batch);
    });
  }

  function launch(batch: BatchRecord, line: BatchLine): void {
    let lines = running.get(batch.id);
    if (!lines) running.set(batch.id, (lines = new Set()));
    inFlight += 1;
    const run: Promise<void> = options
      .execute(line, batch, cancelOf(batch.id))
      .then((result) => record(batch.id, result))
      .catch(report)
      .finally(() => {
        inFlight -= 1;
        lines.delete(run);
        if (lines.size === 0) running.delete(batch.id);
      });
    lines.add(run);
  }

  function move(batchId: string, status: BatchStatus, change: (batch: BatchRecord) => void = () => undefined): Promise<void> {
    return serial(batchId, async () => {
      const batch = await store.getBatch(batchId);
      if (!batch) return;
      batch.status = status;
      change(batch);
      await store.updateBatch(batch);
    });
  }

  /** Writes the result files and ends the batch in `final`. */
  function finish(batchId: string, final: keyof typeof FINAL_AT): Promise<void> {
    return serial(batchId, async () => {
      const batch = await store.getBatch(batchId);
      if (!batch || batch.status === final) return;
      batch.status = 'finalizing';
      batch.finalizingAt ??= now();
      await store.updateBatch(batch);
      const results = await store.results(batchId);
      const files = resultFiles(batchId, results);
      if (files.output !== undefined) batch.outputFileId = await options.writeFile(batch, `${batchId}_output.jsonl`, files.output);
      if (files.errors !== undefined) batch.errorFileId = await options.writeFile(batch, `${batchId}_error.jsonl`, files.errors);
      const completed = results.filter(succeeded).length;
      batch.counts = { total: batch.counts.total, completed, failed: results.length - completed };
      batch.status = final;
      batch[FINAL_AT[final]] = now();
      await store.updateBatch(batch);
      cancels.get(batchId)?.dispose();
      cancels.delete(batchId);
    });
  }

  /** Lines never started by the deadline go to the error file as expired. */
  async function expire(batch: BatchRecord, at: number): Promise<void> {
    const error = { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' };
    for (let lines = await store.takeLines(batch.id, 1_000); lines.length > 0; lines = await store.takeLines(batch.id, 1_000)) {
      await serial(batch.id, async () => {
        for (const line of lines) await store.putResult(batch.id, unrunLine(line, options.requestId(at), error, at));
      });
    }
    cancelOf(batch.id).abort('expired');
  }

  async function round(): Promise<void> {
    const at = now();
    const routes = new Map<string, Array<{ batch: BatchRecord; pending: number }>>();
    for (const batch of await store.activeBatches()) {
      if (batch.status === 'validating') {
        if (batch.errors.length > 0) await move(batch.id, 'failed', (record) => (record.failedAt = at));
        else await move(batch.id, 'in_progress', (record) => (record.inProgressAt = at));
        continue;
      }
      if (busy(batch.id) && batch.status !== 'in_progress') continue;
      if (batch.status === 'cancelling') {
        await finish(batch.id, 'cancelled');
        continue;
      }
      if (batch.status === 'finalizing') {
        // A restart during finalizing: finish it again.
        await finish(batch.id, at >= batch.expiresAt ? 'expired' : 'completed');
        continue;
      }
      const pending = await store.pendingCount(batch.id);
      if (pending === 0 && batch.expiredAt === undefined) {
        if (!busy(batch.id)) await finish(batch.id, 'completed');
        continue;
      }
      if (at >= batch.expiresAt) {
        // Marked first, so that a batch whose lines all got an answer (expired ones too) still ends as expired.
        if (batch.expiredAt === undefined) await move(batch.id, 'in_progress', (record) => (record.expiredAt = at));
        await expire(batch, at);
        if (!busy(batch.id)) await finish(batch.id, 'expired');
        continue;
      }
      let group = routes.get(batch.route);
      if (!group) routes.set(batch.route, (group = []));
      group.push({ batch, pending });
    }
    for (const [route, group] of routes) await dispatch(route, group, at);
  }

  async function dispatch(route: string, group: Array<{ batch: BatchRecord; pending: number }>, at: number): Promise<void> {
    const remaining = group.reduce((sum, entry) => sum + entry.pending, 0);
    const deadline = Math.min(...group.map((entry) => entry.batch.expiresAt));
    const plannedBy = Math.min(...group.map(({ batch }) => batch.createdAt + PLANNED_SHARE * (batch.expiresAt - batch.createdAt)));
    const view = options.capacity(route, at, deadline);
    const elapsed = Math.max(0, at - (lastTick.get(route) ?? at - 1_000));
    lastTick.set(route, at);
    let budget = options.maxInFlight - inFlight;
    if (view) {
      const decision = scheduleBatch({ now: at, bucketMs: options.bucketMs, margin: options.margin, remaining, deadline, plannedBy, capacity: view });
      // At most a few seconds' worth at once, whatever gap there was since the last tick.
      const step = linesThisTick(decision.rpm, Math.min(elapsed, 5_000), carry.get(route) ?? 0);
      carry.set(route, step.carry);
      budget = Math.min(budget, step.lines);
    }
    for (const { batch, pending } of group) {
      if (budget <= 0) return;
      const lines = await store.takeLines(batch.id, Math.min(budget, pending));
      budget -= lines.length;
      for (const line of lines) launch(batch, line);
    }
  }

  return {
    tick() {
      ticking ??= round()
        .catch(report)
        .finally(() => {
          ticking = undefined;
        });
      return ticking;
    },
    async cancel(batchId) {
      const at = now();
      await serial(batchId, async () => {
        const batch = await store.getBatch(batchId);
        if (!batch || (batch.status !== 'validating' && batch.status !== 'in_progress')) return;
        batch.status = 'cancelling';
        batch.cancellingAt = at;
        await store.updateBatch(batch);
      });
      cancelOf(batchId).abort('cancelled');
    },
    get inFlight() {
      return inFlight;
    },
    async drain() {
      while (running.size > 0 || chains.size > 0 || ticking) {
        await Promise.all([...[...running.values()].flatMap((set) => [...set]), ...chains.values(), ticking]);
      }
    },
  };
}
