/**
 * The Batch API as a running gateway has it: the store (memory or SQLite), the forecast fitted
 * from the ledger, the load book fed by the pipeline's events, the runner and its timer. Lines
 * run through the pipeline as their batch's owner. The clock is injected, so tests move time.
 */
import type { BatchSettings } from '../config/types';
import type { GatewayEvents } from '../gateway/events';
import type { Pipeline } from '../gateway/pipeline';
import { createIdSource } from '../gateway/request-id';
import type { LoadHistorySource } from '../ledger/load-history';
import type { Catalog } from '../routing/catalog';
import { createBatchService, type BatchService } from './batch-service';
import { bucketStart, DAY_MS } from './forecast';
import { createForecastBook, type ForecastBook, type ForecastReport } from './forecast-book';
import { executeLine, unrunLine } from './line-executor';
import { createLoadBook, type LoadBook } from './load-book';
import { createMemoryBatchStore } from './memory-batch-store';
import { ownerPrincipal, type OwnerDirectory } from './owner-principal';
import { createRunner, type Runner } from './runner';
import type { CapacityView } from './scheduler';
import { createSqliteBatchStore } from './sqlite-batch-store';
import { isJunctionError } from '../errors';

export interface BatchRuntime {
  service: BatchService;
  runner: Runner;
  forecast: ForecastBook;
  loadBook: LoadBook;
  /** GET /admin/forecast: predicted against actual load per deployment, and the scheduler's settings. */
  report(): Promise<ForecastReport & { marginFraction: number; p99TargetMs: number }>;
  /** One scheduling round now (the timer runs them every `tickMs`). */
  tick(): Promise<void>;
  /** Stops the timer, waits for running lines, closes the store. */
  close(): Promise<void>;
}

export interface StartBatchOptions {
  pipeline: Pipeline;
  events: GatewayEvents;
  /** The ledger's load history, for the forecast. */
  history: LoadHistorySource | undefined;
  /** The catalog now (it changes with reloads). */
  catalog: () => Catalog;
  owners: OwnerDirectory;
  now: () => number;
  onError?: (error: unknown) => void;
}

export function startBatch(settings: BatchSettings, options: StartBatchOptions): BatchRuntime {
  const { pipeline, now } = options;
  const bucketMs = settings.bucketMinutes * 60_000;
  const store = settings.store.kind === 'sqlite' ? createSqliteBatchStore({ path: settings.store.path }) : createMemoryBatchStore();
  const ids = createIdSource();
  const requestId = (at: number) => ids.next(at);
  const loadBook = createLoadBook();
  const unsubscribe = options.events.subscribe((event) => {
    if (event.type === 'request-end') loadBook.observe(event.entry);
  });
  const forecast = createForecastBook({ history: options.history, bucketMs, historyDays: settings.historyDays, now });

  function capacity(routeName: string, at: number, deadline: number): CapacityView | undefined {
    const catalog = options.catalog();
    const route = catalog.routes.get(routeName);
    if (!route) return undefined;
    const buckets = Math.min(Math.ceil((deadline - bucketStart(at, bucketMs)) / bucketMs) + 1, (7 * DAY_MS) / bucketMs);
    const view = { capacityRpm: 0, currentRpm: 0, forecastRpm: [] as number[] };
    for (const deployment of route.deployments) {
      view.capacityRpm += settings.capacityRpm[deployment] ?? catalog.deployments.get(deployment)?.limits?.rpm ?? settings.defaultCapacityRpm;
      view.currentRpm += loadBook.rpm(deployment, at);
      forecast.forecastRpm(deployment, at, buckets).forEach((rpm, index) => (view.forecastRpm[index] = (view.forecastRpm[index] ?? 0) + rpm));
    }
    return view;
  }

  const runner = createRunner({
    store,
    async execute(line, batch, cancel) {
      const at = now();
      let principal;
      try {
        principal = await ownerPrincipal(options.owners, batch.owner, at);
      } catch (error) {
        if (!isJunctionError(error)) throw error;
        return unrunLine(line, requestId(at), error, at);
      }
      return executeLine(pipeline, { line, requestId: requestId(at), principal, cancel, now });
    },
    capacity,
    writeFile: (batch, name, content) => service.writeFile(batch, name, content),
    requestId,
    now,
    bucketMs,
    margin: settings.margin,
    maxInFlight: settings.maxInFlight,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const service = createBatchService({
    store,
    now,
    maxLines: settings.maxLines,
    maxFileBytes: settings.maxFileBytes,
    requestId,
    cancel: (batchId) => runner.cancel(batchId),
    onWork: () => void restarted.then(tick),
  });

  let closed = false;
  const tick = async () => {
    if (closed) return;
    await forecast.refresh().catch((error: unknown) => options.onError?.(error));
    await runner.tick();
  };
  // Lines a previous process was running when it stopped run again.
  const restarted = store.activeBatches().then(async (batches) => {
    for (const batch of batches) await store.releaseTaken(batch.id);
  });
  restarted.catch((error: unknown) => options.onError?.(error));
  const timer = setInterval(() => void restarted.then(tick, () => undefined), settings.tickMs);
  timer.unref();

  return {
    service,
    runner,
    forecast,
    loadBook,
    async report() {
      // Fitted afresh: the report shows what the ledger holds now.
      await forecast.refresh(true);
      return { ...(await forecast.report()), marginFraction: settings.margin, p99TargetMs: settings.p99TargetMs };
    },
    tick: () => restarted.then(tick),
    async close() {
      closed = true;
      clearInterval(timer);
      unsubscribe();
      await runner.drain();
      await store.close();
    },
  };
}
