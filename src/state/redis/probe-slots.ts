/**
 * Half-open probe slots held in Redis, claimed within a time limit, and this replica's account
 * of the ones it holds.
 *
 * A claim is the one Redis round trip on the request path, so it never waits longer than it is
 * given: past that, the claim is given up and the probe goes on, admitted on the local view
 * ("unbacked"), as when Redis is unreachable. Redis may still answer later. A slot granted late
 * is handed to an unbacked probe of the deployment still running, which frees it at its end, or
 * freed at once if none is: one probe holds at most one slot, and no slot waits for its lease to
 * run out. A probe's end frees a slot only if this replica holds one, so a probe Redis never
 * granted cannot free another replica's slot.
 */
import type { Redis } from 'ioredis';
import { replyDeadline } from './reply-deadline';
import type { SpacedReport } from './spaced-reports';

/** How a claim ended: granted, refused (every slot is taken), or not known in time (the probe goes on unbacked). */
export type ClaimOutcome = 'granted' | 'refused' | 'unanswered';

export interface ProbeSlots {
  /** Claim one of `slots` slots for a probe the local breaker admitted; settles within `waitMs`. */
  claim(deployment: string, slots: number, waitMs: number): Promise<ClaimOutcome>;
  /** A probe admitted without asking Redis (not connected). */
  admittedUnbacked(deployment: string): void;
  /** A probe ended: frees the slot it held, if this replica holds one. */
  probeEnded(deployment: string): void;
  /** Drops the deployment's slots, here and in Redis. */
  forget(deployment: string): void;
}

export interface ProbeSlotsOptions {
  redis: Redis;
  prefix: string;
  /** How long a slot is held by a replica that never frees it (ms). */
  leaseMs: number;
  /** Whether a command sent now would be answered. */
  connected: () => boolean;
  report: SpacedReport;
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

/** This replica's probes of one deployment, by whether Redis granted them a slot. */
interface Account {
  held: number;
  unbacked: number;
}

export function createProbeSlots(options: ProbeSlotsOptions): ProbeSlots {
  const { redis, leaseMs, connected, report } = options;
  // Only deployments with a probe out have an entry, so the map stays as small as the catalog.
  const accounts = new Map<string, Account>();
  const keyOf = (deployment: string): string => `${options.prefix}probe:${deployment}`;

  function accountOf(deployment: string): Account {
    let account = accounts.get(deployment);
    if (account === undefined) {
      account = { held: 0, unbacked: 0 };
      accounts.set(deployment, account);
    }
    return account;
  }

  function free(deployment: string): void {
    // Unfreed, the slot's lease runs out.
    if (connected()) redis.eval(RELEASE_PROBE, 1, keyOf(deployment)).catch((error: unknown) => report('release', asError(error)));
  }

  function grantedLate(deployment: string): void {
    const account = accounts.get(deployment);
    if (account !== undefined && account.unbacked > 0) {
      account.unbacked -= 1;
      account.held += 1;
    } else {
      free(deployment);
    }
  }

  return {
    claim(deployment: string, slots: number, waitMs: number): Promise<ClaimOutcome> {
      return new Promise<ClaimOutcome>((resolve) => {
        let decided = false;
        const giveUp = replyDeadline(waitMs, function unanswered() {
          decided = true;
          accountOf(deployment).unbacked += 1;
          report('claim', new Error(`Redis did not answer a half-open probe claim within ${waitMs} ms; the probe went out on this process's own view`));
          resolve('unanswered');
        });
        redis.eval(CLAIM_PROBE, 1, keyOf(deployment), slots, leaseMs).then(
          (granted) => {
            if (decided) {
              if (granted === 1) grantedLate(deployment);
              return;
            }
            decided = true;
            giveUp.cancel();
            if (granted !== 1) return resolve('refused');
            accountOf(deployment).held += 1;
            resolve('granted');
          },
          (error: unknown) => {
            // Failed late: nothing was taken.
            if (decided) return;
            decided = true;
            giveUp.cancel();
            accountOf(deployment).unbacked += 1;
            report('claim', asError(error));
            resolve('unanswered');
          },
        );
      });
    },

    admittedUnbacked(deployment: string): void {
      accountOf(deployment).unbacked += 1;
    },

    probeEnded(deployment: string): void {
      const account = accounts.get(deployment);
      // None on record (forgotten meanwhile): nothing of this replica's to free.
      if (account === undefined) return;
      if (account.held > 0) {
        account.held -= 1;
        free(deployment);
      } else if (account.unbacked > 0) {
        account.unbacked -= 1;
      }
      if (account.held === 0 && account.unbacked === 0) accounts.delete(deployment);
    },

    forget(deployment: string): void {
      accounts.delete(deployment);
      if (connected()) redis.del(keyOf(deployment)).catch((error: unknown) => report('forget', asError(error)));
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
