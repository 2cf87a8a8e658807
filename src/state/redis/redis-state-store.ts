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
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AttemptResult } from '../../routing/health';
import { DEFAULT_BREAKER_POLICY } from '../../resilience/types';
import { createMemoryStateStore, type MemoryStateStoreOptions } from '../memory/memory-state-store';
import { DEFAULT_REDIS_PREFIX } from '../../config/defaults';
import type { Admission, EndedAttempt, StateStore } from '../types';

export interface RedisStateStoreOptions extends MemoryStateStoreOptions {
  /** `redis://host:port/db` */
  url: string;
  /** Prefix of every key and of the channel: replicas that share state share it. */
  prefix?: string;
  /** How long this replica's attempts wait to be published together (ms). */
  publishIntervalMs?: number;
  /** How long a probe slot is held by a replica that never releases it (ms). */
  probeLeaseMs?: number;
  /** Told of Redis errors and unreadable messages; the store goes on with its local view. Must not throw. */
  onError?: (error: Error) => void;
}

/** A shared store; `ready` resolves once it hears the other replicas (never, while Redis is away). */
export interface RedisStateStore extends StateStore {
  ready: Promise<void>;
}

type Message =
  | { kind: 'end'; deployment: string; result: EndedAttempt; at: number }
  | { kind: 'reset' | 'forget'; deployment: string };

interface Envelope {
  from: string;
  messages: Message[];
}

// KEYS[1] the slot counter; ARGV[1] the number of slots, ARGV[2] the lease in ms.
const CLAIM_PROBE = `
local taken = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if taken > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return 0
end
return 1`;

const RELEASE_PROBE = `
local taken = redis.call('DECR', KEYS[1])
if taken <= 0 then redis.call('DEL', KEYS[1]) end
return taken`;

export function createRedisStateStore(options: RedisStateStoreOptions): RedisStateStore {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const channel = `${prefix}health`;
  const policyOf = options.policy ?? (() => DEFAULT_BREAKER_POLICY);
  const leaseMs = options.probeLeaseMs ?? 60_000;
  const onError = options.onError ?? (() => {});
  const self = randomUUID();
  const local = createMemoryStateStore(options);

  // While Redis is away nothing waits for it (see `connected`), so queued commands are not wanted.
  const commands = new Redis(options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const listener = commands.duplicate();
  /** Whether a command sent now would be answered: otherwise the request path does not wait, and what it would have said is dropped. */
  const connected = (): boolean => commands.status === 'ready';
  commands.on('error', onError);
  listener.on('error', onError);

  listener.on('message', function applyOthers(from: string, text: string) {
    if (from !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch (error) {
      onError(new Error(`unreadable health message on ${channel}`, { cause: error }));
      return;
    }
    if (envelope.from === self || !Array.isArray(envelope.messages)) return;
    for (const message of envelope.messages) {
      try {
        apply(message);
      } catch (error) {
        // Another version's message, say: one replica's odd message must not stop the others'.
        onError(new Error(`health message not applied: ${JSON.stringify(message).slice(0, 200)}`, { cause: error }));
      }
    }
  });
  // Subscribed on every (re)connection, so a process started while Redis was away joins when it comes.
  const ready = new Promise<void>((resolve) => {
    listener.on('ready', function subscribe() {
      listener.subscribe(channel).then(() => resolve(), onError);
    });
  });

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
  const publishTimer = setInterval(publish, options.publishIntervalMs ?? 10);
  publishTimer.unref();

  function publish(): Promise<unknown> {
    if (outbox.length === 0) return Promise.resolve();
    const envelope: Envelope = { from: self, messages: outbox };
    outbox = [];
    // At most once, like pub/sub itself: a batch said while Redis is away is not kept.
    if (!connected()) return Promise.resolve();
    return commands.publish(channel, JSON.stringify(envelope)).catch(onError);
  }

  const slotKey = (deployment: string): string => `${prefix}probe:${deployment}`;

  function releaseSlot(deployment: string): void {
    // Unreleased, the slot's lease runs out.
    if (connected()) commands.eval(RELEASE_PROBE, 1, slotKey(deployment)).catch(onError);
  }

  let closed: Promise<void> | undefined;

  return {
    ready,

    snapshot: local.snapshot,

    admit(deployment: string, now: number): Admission | Promise<Admission> {
      const admission = local.admit(deployment, now);
      // Without Redis, each replica probes on its own: better than never recovering.
      if (!admission.probe || !connected()) return admission;
      const slots = policyOf(deployment).halfOpenProbes;
      return commands.eval(CLAIM_PROBE, 1, slotKey(deployment), slots, leaseMs).then(
        (granted) => {
          if (granted === 1) return admission;
          local.releaseProbe(deployment);
          return { admitted: false, probe: false, reason: `half-open: the ${slots} probe slot(s) are held by other replicas` };
        },
        (error: unknown) => {
          onError(error instanceof Error ? error : new Error(String(error)));
          return admission;
        },
      );
    },

    attemptStarted: local.attemptStarted,

    attemptEnded(deployment: string, result: EndedAttempt, now: number): void {
      local.attemptEnded(deployment, result, now);
      if (result.probe) releaseSlot(deployment);
      outbox.push({ kind: 'end', deployment, result: shareable(result), at: now });
    },

    reset(deployment: string): void {
      local.reset(deployment);
      outbox.push({ kind: 'reset', deployment });
    },

    forget(deployment: string): void {
      local.forget(deployment);
      outbox.push({ kind: 'forget', deployment });
      if (connected()) commands.del(slotKey(deployment)).catch(onError);
    },

    close(): Promise<void> {
      closed ??= (async () => {
        clearInterval(publishTimer);
        await publish();
        // quit() waits for a connection that may never come; disconnect() does not.
        for (const client of [listener, commands]) {
          if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
          else client.disconnect();
        }
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
