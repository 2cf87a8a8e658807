/**
 * The LimitStore shared by replicas through Redis. A reservation is one Lua script (all of a
 * request's draws: each is checked, then all are applied, or none), and so is a settlement, so
 * counters are exact across replicas: two replicas can never both take the last unit. Scripts
 * go by EVALSHA, falling back to EVAL when Redis has not seen them (ioredis `defineCommand`).
 *
 * Holds (quota reservations, concurrency) are leased: each is a member of its counter's sorted
 * set, scored by the end of its lease, and the next script that touches the counter releases
 * the lapsed ones; a replica that dies mid-request frees what it held within its lease.
 * Settling writes a marker kept until a minute after the lease would have ended, so a settlement
 * sent twice charges once. Every key has a time to live (a quota: its window's end plus an hour,
 * none for a lifetime; a rate: until its bucket is full again, plus a minute; concurrency: its
 * longest lease plus an hour; a marker: its lease plus a minute), so nothing grows without
 * bound; a counter's holds always expire with it.
 *
 * Time is the caller's `now`, not Redis's: tests inject clocks, and every replica's view is the
 * one it would have alone. The price is clock skew: a replica whose clock runs ahead pays off
 * rate debt and lapses holds early by that much (and one behind, late), so replicas should keep
 * their clocks in step (NTP keeps them within milliseconds). Rate debt never pays off twice for
 * a clock that lags: a counter's `at` only moves forward.
 *
 * Nothing waits on a Redis that is gone. Commands are never queued while disconnected
 * (`enableOfflineQueue: false`) nor sent again after a dropped connection, and each call has its
 * own time limit (`timeoutMs`): past it, a reservation throws `limits_unavailable` (the caller
 * fails open or closed, as configured), and if Redis then admits it after all, it is released
 * at once. One whose connection drops before the answer may have been applied unseen: its holds
 * lapse with its lease, and its rate draws stay charged (erring on the side of the limit). A settlement that fails or is not answered in time is queued, bounded, and sent again
 * in order when Redis answers (see settlement-queue.ts); its crossings are then told to
 * `onLateCrossings`. If the process dies meanwhile, those charges are lost; their holds lapse
 * with their leases. Errors are reported spaced out, not once per request.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CLOSE_GRACE_MS, settledOrAfter } from '../../../state/redis/close-grace';
import { replyDeadline } from '../../../state/redis/reply-deadline';
import { DEFAULT_REDIS_PREFIX } from '../../../config/defaults';
import { JunctionError } from '../../../errors';
import { spacedReports } from '../../../state/redis/spaced-reports';
import { checkActual, checkDraws } from '../check-draws';
import type { Crossing, Draw, LimitRule, LimitStore, Reservation, ReserveOutcome } from '../types';
import { RESERVE_SCRIPT, SETTLE_SCRIPT, USAGE_SCRIPT } from './limit-scripts';
import { readReserveReply, readSettleReply, readUsageReply, reserveCall, settleCall, usageCall, type ScriptCall } from './script-calls';
import { createSettlementQueue, type QueuedSettlement } from './settlement-queue';

export interface RedisLimitStoreOptions {
  /** `redis://host:port/db`; the store opens its own connection. */
  url?: string;
  /**
   * A connection to use instead (not closed by `close`). It should be made with
   * `enableOfflineQueue: false` and `maxRetriesPerRequest: 0`, or a Redis that is away makes
   * calls wait for it (up to `timeoutMs`) and sends them late.
   */
  client?: Redis;
  /** Prefix of every key: replicas that share limits share it. */
  prefix?: string;
  /** The longest a call waits for Redis (ms). A LAN Redis answers in well under a millisecond. */
  timeoutMs?: number;
  /** Told of Redis errors, spaced out. Must not throw. */
  onError?: (error: Error) => void;
  /** Crossings found by settlements applied after `settle` answered (Redis was away or slow then). */
  onLateCrossings?: (crossings: Crossing[]) => void;
  /** Settlements kept while Redis is away, past which more are dropped (their charges lost). */
  maxQueuedSettlements?: number;
  /** The clock that spaces error reports; `Date.now` when absent. */
  now?: () => number;
}

export interface RedisLimitStore extends LimitStore {
  ready: Promise<void>;
  /** Whether Redis could answer now (connected; it may still be slow). */
  connected(): boolean;
  /** Settlements waiting for Redis. */
  queuedSettlements(): number;
}

/** At most one report of each kind of error in this long (ms). */
const REPORT_INTERVAL_MS = 10_000;
/** How often queued settlements are tried again while Redis keeps its connection but does not answer (ms). */
const RETRY_INTERVAL_MS = 250;
export const DEFAULT_LIMITS_TIMEOUT_MS = 50;
const DEFAULT_MAX_QUEUED_SETTLEMENTS = 10_000;

/** The scripts as commands of the connection. */
interface LimitCommands {
  junctionLimitsReserve(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number[]>;
  junctionLimitsSettle(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number[]>;
  junctionLimitsUsage(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number[]>;
}

const UNANSWERED = Symbol('unanswered');

export function createRedisLimitStore(options: RedisLimitStoreOptions): RedisLimitStore {
  if ((options.url === undefined) === (options.client === undefined)) throw new TypeError('createRedisLimitStore needs exactly one of url or client');
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LIMITS_TIMEOUT_MS;
  const onError = options.onError ?? (() => {});
  let closing = false;
  const report = spacedReports(
    (error) => {
      if (!closing) onError(error);
    },
    options.now ?? Date.now,
    REPORT_INTERVAL_MS,
  );

  const owned = options.client === undefined;
  const client = options.client ?? new Redis(options.url!, { enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false });
  if (owned) client.on('error', (error: Error) => report('connection', error));
  client.defineCommand('junctionLimitsReserve', { lua: RESERVE_SCRIPT });
  client.defineCommand('junctionLimitsSettle', { lua: SETTLE_SCRIPT });
  client.defineCommand('junctionLimitsUsage', { lua: USAGE_SCRIPT });
  const commands = client as unknown as LimitCommands;
  const connected = (): boolean => client.status === 'ready';
  const ready = connected() ? Promise.resolve() : new Promise<void>((resolve) => client.once('ready', () => resolve()));

  type Script = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Promise<number[]>;

  function send(script: Script, call: ScriptCall): Promise<number[]> {
    return script.call(commands, call.keys.length, ...call.keys, ...call.args);
  }

  /** What `sent` answers, or that it did not answer in time; `late` hears an answer that came after. */
  function within(sent: Promise<number[]>, late?: (reply: number[]) => void): Promise<number[] | typeof UNANSWERED> {
    return new Promise((resolve, reject) => {
      let decided = false;
      const deadline = replyDeadline(timeoutMs, function unanswered() {
        decided = true;
        resolve(UNANSWERED);
      });
      sent.then(
        (reply) => {
          if (!decided) {
            decided = true;
            deadline.cancel();
            resolve(reply);
          } else {
            late?.(reply);
          }
        },
        (error: unknown) => {
          if (decided) return;
          decided = true;
          deadline.cancel();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  function unavailable(reason: string, cause?: unknown): JunctionError {
    return new JunctionError('limits_unavailable', `the limit store (Redis) ${reason}`, { cause });
  }

  /** Sends a settlement; while it is unanswered, the queue sends it no second time. */
  async function sendSettlement(settlement: QueuedSettlement): Promise<Crossing[] | 'unanswered'> {
    settlement.inFlight = true;
    const answered = send(commands.junctionLimitsSettle, settleCall(prefix, settlement.reservation, settlement.actual, settlement.now)).finally(() => {
      settlement.inFlight = false;
    });
    const reply = await within(answered, (late) => queue.applied(settlement, readSettleReply(late, settlement.reservation)));
    return reply === UNANSWERED ? 'unanswered' : readSettleReply(reply, settlement.reservation);
  }

  const queue = createSettlementQueue({
    send: sendSettlement,
    connected,
    max: options.maxQueuedSettlements ?? DEFAULT_MAX_QUEUED_SETTLEMENTS,
    report,
    onLateCrossings: options.onLateCrossings ?? (() => {}),
  });
  const retryTimer = setInterval(() => {
    if (queue.length > 0) void queue.flush();
  }, RETRY_INTERVAL_MS);
  retryTimer.unref();
  const flushOnReady = () => void queue.flush();
  client.on('ready', flushOnReady);

  async function settleOnce(reservation: Reservation, actual: number[], now: number): Promise<Crossing[]> {
    const settlement: QueuedSettlement = { reservation, actual, now, done: false, inFlight: false };
    // Behind others waiting, or with no connection: in order, later.
    if (queue.length > 0 || !connected()) {
      queue.add(settlement);
      return [];
    }
    try {
      const crossings = await sendSettlement(settlement);
      if (crossings !== 'unanswered') {
        settlement.done = true;
        return crossings;
      }
      report('settle', new Error(`Redis did not answer a settlement within ${timeoutMs} ms; it is kept and sent again`));
    } catch (error) {
      report('settle', error instanceof Error ? error : new Error(String(error)));
    }
    queue.add(settlement);
    return [];
  }

  let closed: Promise<void> | undefined;

  return {
    ready,

    async reserve(draws: Draw[], now: number, leaseMs: number): Promise<ReserveOutcome> {
      checkDraws(draws, leaseMs);
      const id = randomUUID();
      const expiresAt = now + leaseMs;
      if (draws.length === 0) return { admitted: true, reservation: { id, draws, expiresAt, headroom: [] } };
      if (!connected()) throw unavailable('is not connected');
      let reply: number[] | typeof UNANSWERED;
      try {
        reply = await within(send(commands.junctionLimitsReserve, reserveCall(prefix, draws, id, now, expiresAt)), function admittedLate(late) {
          // The caller was told the store is unavailable; what Redis granted after all goes back.
          const outcome = readReserveReply(late, draws, id, expiresAt);
          if (outcome.admitted) void settleOnce(outcome.reservation, draws.map(() => 0), now);
        });
      } catch (error) {
        report('reserve', error instanceof Error ? error : new Error(String(error)));
        throw unavailable(`failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
      if (reply === UNANSWERED) {
        report('reserve', new Error(`Redis did not answer a reservation within ${timeoutMs} ms`));
        throw unavailable(`did not answer within ${timeoutMs} ms`);
      }
      return readReserveReply(reply, draws, id, expiresAt);
    },

    settle(reservation: Reservation, actual: number[], now: number): Promise<Crossing[]> {
      checkActual(reservation, actual);
      if (reservation.draws.length === 0) return Promise.resolve([]);
      return settleOnce(reservation, actual, now);
    },

    async usage(rules: LimitRule[], now: number): Promise<Array<{ used: number; reserved: number }>> {
      if (rules.length === 0) return [];
      if (!connected()) throw unavailable('is not connected');
      let reply: number[] | typeof UNANSWERED;
      try {
        reply = await within(send(commands.junctionLimitsUsage, usageCall(prefix, rules, now)));
      } catch (error) {
        throw unavailable(`failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
      if (reply === UNANSWERED) throw unavailable(`did not answer within ${timeoutMs} ms`);
      return readUsageReply(reply);
    },

    connected,

    queuedSettlements(): number {
      return queue.length;
    },

    close(): Promise<void> {
      closed ??= (async () => {
        clearInterval(retryTimer);
        client.off('ready', flushOnReady);
        await settledOrAfter(queue.flush(), CLOSE_GRACE_MS);
        const left = queue.length;
        if (left > 0) onError(new Error(`${left} settlement(s) never reached Redis; their charges are lost`));
        closing = true;
        if (owned) {
          await settledOrAfter(client.status === 'ready' ? client.quit() : Promise.resolve(), CLOSE_GRACE_MS);
          client.disconnect();
        }
      })();
      return closed;
    },
  };
}
