/**
 * The StateStore shared by replicas (and by `--workers`) through Redis. Reads stay local and
 * synchronous: each replica keeps the memory store as its copy, applies its own attempts to it
 * at once, and publishes them, batched, on a channel every replica subscribes to; each applies
 * the others' attempts to its copy (health, latency averages, windows, breakers, per-minute
 * requests and tokens). Failures seen anywhere trip the breaker everywhere, and a probe's
 * verdict closes or re-opens it everywhere.
 *
 * The one atomic round trip is admitting a half-open probe: a slot is claimed in Redis, so at
 * most `halfOpenProbes` probes are out across all replicas. A slot is leased, so a replica that
 * dies holding one frees it after `probeLeaseMs`. In-flight counts stay per replica: a replica
 * that died mid-attempt would otherwise leave them raised for ever.
 *
 * Pub/sub delivers at most once: a replica that is disconnected misses what was said meanwhile
 * and catches up from the next attempts. If Redis is unreachable, every replica goes on with
 * its local view, and probes are admitted locally.
 *
 * Nothing on the request path waits on Redis unbounded. A Redis that stops answering keeps its
 * connection up, so the client cannot tell; hence the claim's own time limit (see
 * probe-slots.ts), a cap on unanswered batches, and a bounded `close`. Commands are never
 * queued while disconnected (`enableOfflineQueue: false`); one sent when the connection drops
 * is retried once on the next (`maxRetriesPerRequest: 1`), and a reply that comes late is
 * handled as such. No client-wide `commandTimeout`: the claim's wait depends on its caller's
 * deadline, and a claim given up must still hear its late reply (a slot it may hold). Errors
 * are reported spaced out, not once per request.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CLOSE_GRACE_MS, settledOrAfter } from './close-grace';
import type { AttemptResult } from '../../routing/health';
import { DEFAULT_BREAKER_POLICY } from '../../resilience/types';
import { createMemoryStateStore, type MemoryStateStoreOptions } from '../memory/memory-state-store';
import { DEFAULT_CLAIM_TIMEOUT_MS, DEFAULT_REDIS_PREFIX } from '../../config/defaults';
import type { Admission, EndedAttempt, StateStore } from '../types';
import { createProbeSlots } from './probe-slots';
import { spacedReports } from './spaced-reports';

export interface RedisStateStoreOptions extends MemoryStateStoreOptions {
  /** `redis://host:port/db` */
  url: string;
  /** Prefix of every key and of the channel: replicas that share state share it. */
  prefix?: string;
  /** How long this replica's attempts wait to be published together (ms). */
  publishIntervalMs?: number;
  /** How long a probe slot is held by a replica that never releases it (ms). */
  probeLeaseMs?: number;
  /**
   * The longest an admit waits for Redis to grant a probe slot, however long its caller could
   * wait (ms); past it, the probe is admitted on the local view. A LAN Redis answers in well under
   * a millisecond: this only bounds a Redis that has stopped answering.
   */
  claimTimeoutMs?: number;
  /** Told of Redis errors and unreadable messages, spaced out; the store goes on with its local view. Must not throw. */
  onError?: (error: Error) => void;
  /** The clock that spaces error reports; `Date.now` when absent. */
  now?: () => number;
}

/** A shared store; `ready` resolves once it hears the other replicas and they hear it (never, while Redis is away). */
export interface RedisStateStore extends StateStore {
  ready: Promise<void>;
}

/** At most one report of each kind of error in this long (ms). */
const REPORT_INTERVAL_MS = 10_000;
/**
 * Batches published and not yet answered, past which the next are dropped (at most once, like
 * pub/sub): a stalled Redis would otherwise have them pile up in memory. A live one answers
 * each well before the next is due.
 */
const MAX_UNANSWERED_BATCHES = 32;

type Message =
  | { kind: 'end'; deployment: string; result: EndedAttempt; at: number }
  | { kind: 'reset' | 'forget'; deployment: string };

interface Envelope {
  from: string;
  messages: Message[];
}

export function createRedisStateStore(options: RedisStateStoreOptions): RedisStateStore {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const channel = `${prefix}health`;
  const policyOf = options.policy ?? (() => DEFAULT_BREAKER_POLICY);
  const claimTimeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  const onError = options.onError ?? (() => {});
  let closing = false;
  // Errors of a closing store (its pending commands fail as it disconnects) are not news.
  const report = spacedReports(
    (error) => {
      if (!closing) onError(error);
    },
    options.now ?? Date.now,
    REPORT_INTERVAL_MS,
  );
  const self = randomUUID();
  const local = createMemoryStateStore(options);

  // While Redis is away nothing waits for it (see `connected`), so queued commands are not wanted.
  const commands = new Redis(options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const listener = commands.duplicate();
  /** Whether a command sent now would be answered: otherwise the request path does not wait, and what it would have said is dropped. */
  const connected = (): boolean => commands.status === 'ready';
  commands.on('error', (error: Error) => report('connection', error));
  listener.on('error', (error: Error) => report('connection', error));
  const slots = createProbeSlots({ redis: commands, prefix, leaseMs: options.probeLeaseMs ?? 60_000, connected, report });

  listener.on('message', function applyOthers(from: string, text: string) {
    if (from !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch (error) {
      report('message', new Error(`unreadable health message on ${channel}`, { cause: error }));
      return;
    }
    if (envelope.from === self || !Array.isArray(envelope.messages)) return;
    for (const message of envelope.messages) {
      try {
        apply(message);
      } catch (error) {
        // Another version's message, say: one replica's odd message must not stop the others'.
        report('message', new Error(`health message not applied: ${JSON.stringify(message).slice(0, 200)}`, { cause: error }));
      }
    }
  });
  // Subscribed on every (re)connection, so a process started while Redis was away joins when it comes.
  const hearing = new Promise<void>((resolve) => {
    listener.on('ready', function subscribe() {
      listener.subscribe(channel).then(
        () => resolve(),
        (error: Error) => report('subscribe', error),
      );
    });
  });
  // The two connections come up independently: what is published before the command one is
  // ready is dropped, so a caller who acts at once after `ready` would not be heard.
  const heard = new Promise<void>((resolve) => commands.once('ready', () => resolve()));
  const ready = Promise.all([hearing, heard]).then(() => undefined);

  function apply(message: Message): void {
    switch (message.kind) {
      case 'end':
        local.applyRemote(message.deployment, message.result, message.at);
        return;
      case 'reset':
        local.reset(message.deployment);
        return;
      case 'forget':
        local.forget(message.deployment);
        return;
    }
  }

  let outbox: Message[] = [];
  let unanswered = 0;
  const publishTimer = setInterval(publish, options.publishIntervalMs ?? 10);
  publishTimer.unref();

  function publish(): Promise<unknown> {
    if (outbox.length === 0) return Promise.resolve();
    const envelope: Envelope = { from: self, messages: outbox };
    outbox = [];
    // At most once, like pub/sub itself: a batch said while Redis is away, or not answering, is not kept.
    if (!connected()) return Promise.resolve();
    if (unanswered >= MAX_UNANSWERED_BATCHES) {
      report('publish', new Error(`Redis has not answered the last ${unanswered} health batches; dropping this process's until it does`));
      return Promise.resolve();
    }
    unanswered += 1;
    return commands.publish(channel, JSON.stringify(envelope)).then(
      () => {
        unanswered -= 1;
      },
      (error: Error) => {
        unanswered -= 1;
        report('publish', error);
      },
    );
  }

  /** The last batch, then goodbye on both connections. */
  async function farewell(): Promise<void> {
    await publish();
    await Promise.all(
      [listener, commands].map((client) => (client.status === 'ready' ? client.quit().catch(() => {}) : client.disconnect())),
    );
  }

  let closed: Promise<void> | undefined;

  return {
    ready,

    snapshot: local.snapshot,

    admit(deployment: string, now: number, timeoutMs?: number): Admission | Promise<Admission> {
      const admission = local.admit(deployment, now);
      if (!admission.probe) return admission;
      // Without Redis, each replica probes on its own: better than never recovering.
      if (!connected()) {
        slots.admittedUnbacked(deployment);
        return admission;
      }
      const count = policyOf(deployment).halfOpenProbes;
      const waitMs = Math.max(0, timeoutMs === undefined ? claimTimeoutMs : Math.min(claimTimeoutMs, timeoutMs));
      return slots.claim(deployment, count, waitMs).then((outcome) => {
        if (outcome !== 'refused') return admission;
        local.releaseProbe(deployment);
        return { admitted: false, probe: false, reason: `half-open: the ${count} probe slot(s) are held by other replicas` };
      });
    },

    attemptStarted: local.attemptStarted,

    attemptEnded(deployment: string, result: EndedAttempt, now: number): void {
      local.attemptEnded(deployment, result, now);
      if (result.probe) slots.probeEnded(deployment);
      outbox.push({ kind: 'end', deployment, result: shareable(result), at: now });
    },

    reset(deployment: string): void {
      local.reset(deployment);
      outbox.push({ kind: 'reset', deployment });
    },

    forget(deployment: string): void {
      local.forget(deployment);
      outbox.push({ kind: 'forget', deployment });
      slots.forget(deployment);
    },

    close(): Promise<void> {
      closed ??= (async () => {
        closing = true;
        clearInterval(publishTimer);
        // A Redis that stopped answering would hold up the goodbye (and quit() waits for a
        // connection that may never come): past a grace, the connections are just dropped.
        await settledOrAfter(farewell(), CLOSE_GRACE_MS);
        listener.disconnect();
        commands.disconnect();
        await local.close();
      })();
      return closed;
    },
  };
}

/** The fields of a result that travel (a plain copy: the caller's object may carry more). */
function shareable(result: EndedAttempt): EndedAttempt {
  const copy: AttemptResult & { probe: boolean } = { verdict: result.verdict, latencyMs: result.latencyMs, tokens: result.tokens, probe: result.probe };
  if (result.ttftMs !== undefined) copy.ttftMs = result.ttftMs;
  if (result.errorCode !== undefined) copy.errorCode = result.errorCode;
  if (result.errorMessage !== undefined) copy.errorMessage = result.errorMessage;
  if (result.retryAfterMs !== undefined) copy.retryAfterMs = result.retryAfterMs;
  return copy;
}
