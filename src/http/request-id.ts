/**
 * Request ids Junction makes for callers who send none: UUID version 7 (RFC 9562), whose first
 * 48 bits are the Unix time in milliseconds. Ids made later sort later, so the ledger's unique
 * key on the request id grows at its end instead of at random places: on SQLite that is about
 * a quarter of the cost of storing a row with a random (version 4) key.
 */
import { randomUUID } from 'node:crypto';

// Many ids are made within one millisecond: its time part is written once.
let prefixMs = -1;
let prefix = '';

/** A version 7 UUID for `ms`, its random bits taken from `random` (a version 4 UUID). */
export function timeOrderedId(ms: number = Date.now(), random: string = randomUUID()): string {
  if (ms !== prefixMs) {
    const time = Math.floor(ms).toString(16).padStart(12, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    prefixMs = ms;
  }
  // The version 4 UUID's variant and random bits stay; its version nibble becomes 7.
  return prefix + random.slice(15);
}
