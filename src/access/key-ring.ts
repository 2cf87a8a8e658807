/**
 * The key ring: the request path's view of keys and teams. It loads everything from the access
 * store once, then asks only for what changed since its last look, every `pollMs`; so a key
 * revoked through any replica is refused by every other within a poll and a query (well under
 * a second at the default 250 ms). Checking a key it knows is synchronous: a SHA-256 and a Map
 * lookup, no I/O.
 *
 * A well-formed key it has not seen (made on another replica since the last poll, or before the
 * first load finished) is looked up in the store, bounded by `missTimeoutMs`. Concurrent misses
 * for one hash share one lookup; a hash the store does not know is remembered for a while
 * (a bounded number of them), and only a few lookups run at once, beyond which a miss is
 * refused at once: a flood of made-up keys costs the store a few queries, not one per request.
 * Refusing a real new key then is safe, since the next poll brings it.
 *
 * Store errors never reach the caller: the ring keeps its last view and reports through
 * `onError`, at most once per `errorIntervalMs`.
 *
 * Keys declared in the config are `seed`ed: held beside the store's, never written to it, and
 * preferred over a store record with the same hash (teams likewise, by id).
 */
import { JunctionError } from '../errors';
import { hashKey, looksLikeKey, sameHash } from './keys';
import type { AccessStore } from './store/types';
import type { KeyRecord, TeamRecord } from './types';

/** Why a credential was refused. `unknown`: well-formed, but no such key (or the store could not say in time). */
export type KeyRefusal = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired';

/** What a check found: the key (and its team, when it has one the ring knows), or why not. Records are frozen. */
export type KeyCheck = { ok: true; key: KeyRecord; team?: TeamRecord } | { ok: false; reason: KeyRefusal };

export interface KeyRingOptions {
  store: AccessStore;
  /** The clock for remembering unknown hashes and spacing error reports. */
  now: () => number;
  /** How often to ask the store what changed. Default 250 ms. */
  pollMs?: number;
  /** How long a check waits for the store to look up a key it has not seen. Default 200 ms. */
  missTimeoutMs?: number;
  /** How long a hash the store does not know is refused without asking again. Default 2 s. */
  unknownTtlMs?: number;
  /** How many such hashes are remembered (the oldest are forgotten first). Default 10 000. */
  unknownLimit?: number;
  /** Store lookups in flight at once; a miss beyond them is refused without one. Default 8. */
  maxLookups?: number;
  /** Told of store errors (polls, lookups, lookups that timed out), at most once per `errorIntervalMs`. */
  onError?: (error: unknown) => void;
  /** Default 10 s. */
  errorIntervalMs?: number;
}

export interface KeyRing {
  /** Resolves after the first full load; rejects if it failed (the ring keeps polling, and serves seeded keys meanwhile). */
  readonly ready: Promise<void>;
  /**
   * Checks a credential (the key as the caller sent it, or undefined if none). Answers at once
   * when it can; for a well-formed key it has not seen, returns a promise settled by a store
   * lookup within `missTimeoutMs`. Never rejects. Revoked from `revokedAt` on, expired from
   * `expiresAt` on, judged at `now`.
   */
  check(credential: string | undefined, now: number): KeyCheck | Promise<KeyCheck>;
  /** Sets the keys and teams declared in the config, replacing those seeded before. */
  seed(keys: readonly KeyRecord[], teams?: readonly TeamRecord[]): void;
  /** Asks the store for changes now (shares a poll already in flight); resolves when applied or failed, never rejects. */
  refresh(): Promise<void>;
  /** The store version the ring has caught up to. */
  readonly version: number;
  /** Stops polling; checks keep answering from the last view, and misses are refused. */
  close(): void;
}

const REFUSED: { readonly [reason in KeyRefusal]: KeyCheck } = {
  missing: Object.freeze({ ok: false, reason: 'missing' }),
  malformed: Object.freeze({ ok: false, reason: 'malformed' }),
  unknown: Object.freeze({ ok: false, reason: 'unknown' }),
  revoked: Object.freeze({ ok: false, reason: 'revoked' }),
  expired: Object.freeze({ ok: false, reason: 'expired' }),
};

/** Freezes a record and everything in it, so one handed to a request cannot change the ring's view. */
function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}

export function createKeyRing(options: KeyRingOptions): KeyRing {
  const { store, now: clock } = options;
  const pollMs = options.pollMs ?? 250;
  const missTimeoutMs = options.missTimeoutMs ?? 200;
  const unknownTtlMs = options.unknownTtlMs ?? 2_000;
  const unknownLimit = options.unknownLimit ?? 10_000;
  const maxLookups = options.maxLookups ?? 8;
  const errorIntervalMs = options.errorIntervalMs ?? 10_000;

  const storeKeys = new Map<string, KeyRecord>();
  const storeTeams = new Map<string, TeamRecord>();
  let configKeys = new Map<string, KeyRecord>();
  let configTeams = new Map<string, TeamRecord>();
  /** Hashes the store said it does not know, each with when to forget it; oldest first. */
  const unknown = new Map<string, number>();
  const lookups = new Map<string, Promise<void>>();
  let version = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let lastReportAt = -Infinity;

  function report(error: unknown): void {
    const at = clock();
    if (options.onError === undefined || at - lastReportAt < errorIntervalMs) return;
    lastReportAt = at;
    try {
      options.onError(error);
    } catch {
      // A failing reporter must not turn a store error into a failed check or a stopped poll.
    }
  }

  /** Takes a record from the store unless the ring holds a newer version of it already. */
  function adoptKey(record: KeyRecord): void {
    const held = storeKeys.get(record.hash);
    if (held === undefined || record.version >= held.version) storeKeys.set(record.hash, deepFrozen(record));
    unknown.delete(record.hash);
  }

  function adoptTeam(record: TeamRecord): void {
    const held = storeTeams.get(record.id);
    if (held === undefined || record.version >= held.version) storeTeams.set(record.id, deepFrozen(record));
  }

  /** One poll: everything changed since the last, applied; fails as the store does. */
  function poll(): Promise<void> {
    polling ??= (async () => {
      try {
        const changes = await store.changesSince(version);
        if (closed) return;
        for (const record of changes.keys) adoptKey(record);
        for (const record of changes.teams) adoptTeam(record);
        version = Math.max(version, changes.version);
      } finally {
        polling = undefined;
      }
    })();
    return polling;
  }

  function refresh(): Promise<void> {
    return poll().catch(report);
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => void refresh().finally(schedule), pollMs);
    timer.unref();
  }

  const ready = poll();
  ready.catch(report).finally(schedule);

  function teamOf(id: string | undefined): TeamRecord | undefined {
    return id === undefined ? undefined : (configTeams.get(id) ?? storeTeams.get(id));
  }

  function held(hash: string): KeyRecord | undefined {
    return configKeys.get(hash) ?? storeKeys.get(hash);
  }

  function judge(record: KeyRecord, hash: string, now: number): KeyCheck {
    // The Map found it by hash already; the final match is still made in constant time.
    if (!sameHash(record.hash, hash)) return REFUSED.unknown;
    if (record.revokedAt !== undefined && record.revokedAt <= now) return REFUSED.revoked;
    if (record.expiresAt !== undefined && record.expiresAt <= now) return REFUSED.expired;
    const team = teamOf(record.team);
    return team === undefined ? { ok: true, key: record } : { ok: true, key: record, team };
  }

  function rememberUnknown(hash: string): void {
    unknown.delete(hash);
    while (unknown.size >= unknownLimit) unknown.delete(unknown.keys().next().value!);
    unknown.set(hash, clock() + unknownTtlMs);
  }

  /** Looks a hash up in the store, within `missTimeoutMs`; a late answer is still taken when it comes. */
  function lookUp(hash: string): Promise<void> {
    const answer = store.findKeyByHash(hash).then((record) => {
      if (closed) return;
      if (record === undefined) rememberUnknown(hash);
      else if (sameHash(record.hash, hash)) adoptKey(record);
    });
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((_, reject) => {
      timeout = setTimeout(() => reject(new JunctionError('access_store_unavailable', `the access store did not answer a key lookup within ${missTimeoutMs} ms`)), missTimeoutMs);
    });
    return Promise.race([answer, deadline])
      .catch(report)
      .finally(() => {
        clearTimeout(timeout);
        lookups.delete(hash);
      });
  }

  return {
    ready,

    check(credential, now) {
      if (credential === undefined || credential === '') return REFUSED.missing;
      if (!looksLikeKey(credential)) return REFUSED.malformed;
      const hash = hashKey(credential);
      const record = held(hash);
      if (record !== undefined) return judge(record, hash, now);
      if (closed) return REFUSED.unknown;
      const forgetAt = unknown.get(hash);
      if (forgetAt !== undefined) {
        if (forgetAt > now) return REFUSED.unknown;
        unknown.delete(hash);
      }
      let lookup = lookups.get(hash);
      if (lookup === undefined) {
        if (lookups.size >= maxLookups) return REFUSED.unknown;
        lookup = lookUp(hash);
        lookups.set(hash, lookup);
      }
      return lookup.then(() => {
        const found = held(hash);
        return found === undefined ? REFUSED.unknown : judge(found, hash, now);
      });
    },

    seed(keys, teams = []) {
      configKeys = new Map(keys.map((record) => [record.hash.toLowerCase(), deepFrozen(structuredClone(record))]));
      configTeams = new Map(teams.map((record) => [record.id, deepFrozen(structuredClone(record))]));
      for (const hash of configKeys.keys()) unknown.delete(hash);
    },

    refresh,

    get version() {
      return version;
    },

    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
