/**
 * Request ids Junction makes for callers who send none: UUID version 7 (RFC 9562), whose first
 * 48 bits are the Unix time in milliseconds. Ids made later sort later, so the ledger's index
 * on the request id grows at its end instead of at random places: on SQLite that is about a
 * quarter of the cost of storing a row with a random (version 4) id.
 *
 * Within one millisecond the ids count up (RFC 9562 §6.2, method 1: the 12 bits after the
 * version are a counter, seeded at random each millisecond with its top bit clear), and the
 * remaining 62 bits are drawn at random once per millisecond. An id then costs a counter step
 * and a concatenation instead of a fresh random UUID; ids from other processes still differ in
 * their random bits.
 */
import { randomUUID } from 'node:crypto';

/** Ids per millisecond before the counter runs out and the random bits are drawn afresh. */
const COUNTER_LIMIT = 0x1000;

export interface IdSource {
  /** A version 7 UUID for the time `ms`. */
  next(ms: number): string;
}

/** Ids whose random bits come from `random`, a version 4 UUID per call. */
export function createIdSource(random: () => string = randomUUID): IdSource {
  let currentMs = -1;
  let prefix = '';
  let counter = 0;
  let tail = '';

  function reseed(): void {
    const uuid = random();
    // The version 4 UUID's third group is '4xxx': its last three digits seed the counter
    // (top bit cleared, so at least 2,048 ids fit before it wraps); its variant and random
    // bits after that ('-yxxx-xxxxxxxxxxxx') stay as they are.
    counter = Number.parseInt(uuid.slice(15, 18), 16) & 0x7ff;
    tail = uuid.slice(18);
  }

  return {
    next(ms) {
      if (ms !== currentMs) {
        const time = Math.floor(ms).toString(16).padStart(12, '0');
        prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
        currentMs = ms;
        reseed();
      } else if (++counter === COUNTER_LIMIT) {
        // Thousands of ids in one millisecond: fresh random bits keep them distinct.
        reseed();
      }
      return prefix + HEX3[counter] + tail;
    },
  };
}

/** The counter's three hex digits, made once. */
const HEX3 = Array.from({ length: COUNTER_LIMIT }, (_, value) => value.toString(16).padStart(3, '0'));

const processIds = createIdSource();

/** A version 7 UUID for `ms` (now by default). */
export function timeOrderedId(ms: number = Date.now()): string {
  return processIds.next(ms);
}
