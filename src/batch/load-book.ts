/**
 * The load book: interactive requests each deployment has served in the last minute, from the
 * pipeline's request-end events (batch lines left out: they are what the book makes room for).
 * Counted in one-second slots, so a reading costs sixty additions and no allocation.
 */
import type { LedgerEntry } from '../ledger/types';

const SLOTS = 60;
const SLOT_MS = 1_000;

export interface LoadBook {
  /** Counts one finished request (ignored when it is a batch line or had no deployment). */
  observe(entry: Pick<LedgerEntry, 'deployment' | 'ingress' | 'timestamp'>): void;
  /** Interactive requests per minute a deployment served over the last minute, as of `now`. */
  rpm(deployment: string, now: number): number;
}

export function createLoadBook(): LoadBook {
  const books = new Map<string, { counts: Int32Array; seconds: Float64Array }>();
  return {
    observe(entry) {
      if (entry.deployment === undefined || entry.ingress === 'batch') return;
      let book = books.get(entry.deployment);
      if (!book) books.set(entry.deployment, (book = { counts: new Int32Array(SLOTS), seconds: new Float64Array(SLOTS).fill(-1) }));
      const second = Math.floor(entry.timestamp / SLOT_MS);
      const slot = second % SLOTS;
      if (book.seconds[slot] !== second) {
        book.seconds[slot] = second;
        book.counts[slot] = 0;
      }
      book.counts[slot]! += 1;
    },
    rpm(deployment, now) {
      const book = books.get(deployment);
      if (!book) return 0;
      const current = Math.floor(now / SLOT_MS);
      let total = 0;
      for (let slot = 0; slot < SLOTS; slot += 1) {
        const age = current - book.seconds[slot]!;
        if (age >= 0 && age < SLOTS) total += book.counts[slot]!;
      }
      return total;
    },
  };
}
