/**
 * Request deadlines and attempt timeouts without a Node timer each. Every request arms two and
 * almost none fire, and on Node 20 a setTimeout/clearTimeout pair costs about a microsecond
 * (a Timeout object, a list insert, an unenroll). Timeouts of one duration end in the order
 * they start, so each duration keeps a first-in-first-out list and one Node timer, armed for
 * its oldest entry: starting and stopping one is a link and an unlink. The timer is left armed
 * when its list empties (most requests end long before their timeouts, and at low concurrency
 * the list empties after nearly every one): a timeout started before it fires needs no timer
 * of its own, and a timer that fires early re-arms for the rest. It is unreferenced, so it
 * never keeps an idle process alive.
 */
import type { Cancel } from './cancel';

/** The longest delay a Node timer takes as given. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A started timeout; `stop` it when the work it guards is over. */
export interface Timeout {
  stop(): void;
}

class Entry implements Timeout {
  previous: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  linked = true;

  constructor(
    readonly list: TimeoutList,
    readonly deadline: number,
    readonly cancel: Cancel,
    readonly reason: string,
  ) {}

  stop(): void {
    if (this.linked) this.list.unlink(this);
  }
}

/** The entries of one duration, oldest first. */
class TimeoutList {
  private head: Entry | undefined = undefined;
  private tail: Entry | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly ms: number,
    private readonly now: () => number,
  ) {}

  add(cancel: Cancel, reason: string): Entry {
    const entry = new Entry(this, this.now() + this.ms, cancel, reason);
    if (this.tail === undefined) {
      this.head = entry;
      // A timer still armed for an entry already gone fires before this deadline and re-arms.
      if (this.timer === undefined) this.arm(this.ms);
    } else {
      this.tail.next = entry;
      entry.previous = this.tail;
    }
    this.tail = entry;
    return entry;
  }

  unlink(entry: Entry): void {
    entry.linked = false;
    if (entry.previous) entry.previous.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.previous = entry.previous;
    else this.tail = entry.previous;
    entry.previous = entry.next = undefined;
  }

  /** Only called with no timer pending: a timer, once armed, is never cleared, only left to fire. */
  private arm(delay: number): void {
    // Node fires a longer timer at once; a capped one re-arms for the rest when it fires.
    this.timer = setTimeout(() => this.fire(), Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    // Node's timers count whole milliseconds; a deadline within one of now has come.
    const now = this.now() + 1;
    let entry = this.head;
    while (entry !== undefined && entry.deadline <= now) {
      this.unlink(entry);
      entry.cancel.abort(entry.reason);
      entry = this.head;
    }
    if (entry !== undefined && this.timer === undefined) this.arm(Math.max(1, entry.deadline - this.now()));
  }
}

/** Timeouts grouped by duration; `start` cancels `cancel` with `reason` once `ms` have passed. */
export class Timeouts {
  private readonly lists = new Map<number, TimeoutList>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(ms: number, cancel: Cancel, reason: string): Timeout {
    let list = this.lists.get(ms);
    if (list === undefined) {
      list = new TimeoutList(ms, this.now);
      this.lists.set(ms, list);
    }
    return list.add(cancel, reason);
  }
}

/** The process's timeouts: durations come from config, so the lists stay few. */
export const timeouts = new Timeouts();
