/**
 * A deadline on a Redis reply that measures Redis, not this process's event loop. After the
 * loop has been busy for longer than the deadline (a burst of requests parsed in one go, a
 * long garbage collection), the timer and the reply are both due; but in each turn of the loop
 * timers run before I/O is read, so a plain timer would call a reply late that has been
 * waiting in the socket all along, and every call in flight would fail at once with Redis in
 * perfect health. So the timer only arms the verdict, which runs right after the next read of
 * I/O (`setImmediate`): a reply that had arrived is taken first, and only one still missing
 * then is late.
 */

export interface ReplyDeadline {
  /** The reply came: the verdict will not be given. */
  cancel(): void;
}

/** Calls `expired` once `ms` have passed and I/O that arrived by then has been read, unless cancelled first. */
export function replyDeadline(ms: number, expired: () => void): ReplyDeadline {
  let verdict: NodeJS.Immediate | undefined;
  const timer = setTimeout(function deadlinePassed() {
    verdict = setImmediate(expired);
  }, ms);
  return {
    cancel() {
      clearTimeout(timer);
      if (verdict !== undefined) clearImmediate(verdict);
    },
  };
}
