/**
 * Settlements Redis did not take, kept in order and sent again once it answers. A settlement
 * whose answer did not come in time may still have been applied: sent again, it meets its
 * "settled" marker and charges nothing, and whichever copy was applied tells its crossings.
 *
 * The queue is bounded: past `max`, a settlement is dropped (and reported), so a long outage
 * costs lost charges rather than the process's memory. What is queued lives only in this
 * process: if it dies meanwhile, those charges are lost, and their holds lapse with their leases.
 */
import type { Crossing, Reservation } from '../types';

export interface QueuedSettlement {
  reservation: Reservation;
  actual: number[];
  now: number;
  /** Applied (by this copy or an earlier one that answered late): nothing left to send. */
  done: boolean;
  /** Sent and not answered yet: on a connection that stalls, sending it again would only pile copies up behind it. */
  inFlight: boolean;
}

export interface SettlementQueueOptions {
  /** Sends one settlement; resolves with its crossings, 'unanswered' past the time limit, or rejects. */
  send: (settlement: QueuedSettlement) => Promise<Crossing[] | 'unanswered'>;
  /** Whether Redis could answer now. */
  connected: () => boolean;
  max: number;
  report: (kind: string, error: Error) => void;
  /** Crossings found by settlements applied after their caller was answered. */
  onLateCrossings: (crossings: Crossing[]) => void;
}

export interface SettlementQueue {
  /** Keeps a settlement to send later (or drops it, reported, when the queue is full). */
  add(settlement: QueuedSettlement): void;
  /** A settlement was applied, however late: tells its crossings, once. */
  applied(settlement: QueuedSettlement, crossings: Crossing[]): void;
  /** Sends what is queued, in order, until one fails or all are sent. */
  flush(): Promise<void>;
  /** Settlements waiting (some may have been applied meanwhile by a late answer; the next flush drops those). */
  readonly length: number;
}

export function createSettlementQueue(options: SettlementQueueOptions): SettlementQueue {
  const queue: QueuedSettlement[] = [];
  let flushing: Promise<void> | undefined;

  function applied(settlement: QueuedSettlement, crossings: Crossing[]): void {
    if (settlement.done) return;
    settlement.done = true;
    if (crossings.length > 0) options.onLateCrossings(crossings);
  }

  async function sendAll(): Promise<void> {
    while (queue.length > 0 && options.connected()) {
      const settlement = queue[0];
      if (settlement.inFlight && !settlement.done) return;
      if (!settlement.done) {
        let outcome: Crossing[] | 'unanswered';
        try {
          outcome = await options.send(settlement);
        } catch (error) {
          options.report('settle', error instanceof Error ? error : new Error(String(error)));
          return;
        }
        // Its answer may still come (see the store); the next flush sends it again meanwhile.
        if (outcome === 'unanswered') return;
        applied(settlement, outcome);
      }
      queue.shift();
    }
  }

  return {
    add(settlement: QueuedSettlement): void {
      if (queue.length >= options.max) {
        options.report('queue', new Error(`${queue.length} settlements are waiting for Redis already; one for reservation ${settlement.reservation.id} is dropped, its charge lost`));
        return;
      }
      queue.push(settlement);
    },

    applied,

    flush(): Promise<void> {
      flushing ??= sendAll().finally(() => {
        flushing = undefined;
      });
      return flushing;
    },

    get length() {
      return queue.length;
    },
  };
}
