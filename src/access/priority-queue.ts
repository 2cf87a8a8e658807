/**
 * The order in which requests waiting at a saturated route or deployment are let in: strict
 * priority between levels (a premium request never waits behind a free one), and round robin
 * between callers within a level, each caller's own waiters first in, first out. A key with a
 * thousand queued requests therefore delays another key's single request by at most one turn
 * per level, instead of a thousand.
 *
 * Every operation is O(1), apart from O(number of distinct priorities) when a level first
 * fills or empties (priorities are a handful of tiers, so that is a few comparisons). Pure data
 * structure: no clock, no timers; the concurrency gate adds deadlines and aborts on top.
 */

/** A queued value, and the handle to take it out early (its deadline passed, its caller left). */
export interface QueueEntry<T> {
  readonly value: T;
  /** Who queued it (a key id): the unit of fairness within a level. */
  readonly caller: string;
  /** Higher is served first. */
  readonly priority: number;
  /** True until the entry is served, removed or evicted. */
  readonly queued: boolean;
}

/** What `push` did: the new entry, and the one it displaced to make room, if any. */
export interface PushResult<T> {
  entry: QueueEntry<T>;
  /** A waiter of lower priority taken out because the queue was full; already removed. */
  evicted?: QueueEntry<T>;
}

class Entry<T> implements QueueEntry<T> {
  queued = true;
  /** Neighbours in the caller's own FIFO. */
  previous: Entry<T> | undefined;
  next: Entry<T> | undefined;
  /** Neighbours in the level's arrival order, to find the latest arrival to evict. */
  earlier: Entry<T> | undefined;
  later: Entry<T> | undefined;

  constructor(
    readonly value: T,
    readonly caller: string,
    readonly priority: number,
    readonly lane: Lane<T>,
  ) {}
}

/** One caller's waiters at one level, and its place in the level's round-robin ring. */
class Lane<T> {
  head: Entry<T> | undefined;
  tail: Entry<T> | undefined;
  ringPrevious: Lane<T> = this;
  ringNext: Lane<T> = this;

  constructor(
    readonly caller: string,
    readonly level: Level<T>,
  ) {}
}

class Level<T> {
  readonly lanes = new Map<string, Lane<T>>();
  /** The lane served next; undefined when the level is empty. */
  cursor: Lane<T> | undefined;
  size = 0;
  oldest: Entry<T> | undefined;
  newest: Entry<T> | undefined;

  constructor(readonly priority: number) {}
}

/**
 * A bounded queue ordered by priority, fair between callers within a priority. When it is full,
 * a newcomer of higher priority than the lowest waiting takes the place of the latest arrival
 * at that lowest level; otherwise the newcomer is refused.
 */
export class FairPriorityQueue<T> {
  private readonly byPriority = new Map<number, Level<T>>();
  /** Levels holding waiters, lowest priority first: the last is served, the first evicted from. */
  private readonly levels: Level<T>[] = [];
  private count = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0)) throw new RangeError(`a queue's capacity must be a whole number ≥ 0, not ${capacity}`);
  }

  get size(): number {
    return this.count;
  }

  /** Queues `value` for `caller`; undefined when the queue is full of waiters at least as important. */
  push(caller: string, priority: number, value: T): PushResult<T> | undefined {
    if (Number.isNaN(priority)) throw new RangeError('a priority must be a number, not NaN');
    let evicted: Entry<T> | undefined;
    if (this.count >= this.capacity) {
      const lowest = this.levels[0];
      if (lowest === undefined || lowest.priority >= priority) return undefined;
      evicted = lowest.newest!;
      this.remove(evicted);
    }
    const level = this.levelFor(priority);
    let lane = level.lanes.get(caller);
    if (lane === undefined) {
      lane = new Lane(caller, level);
      level.lanes.set(caller, lane);
      joinRing(level, lane);
    }
    const entry = new Entry(value, caller, priority, lane);
    entry.previous = lane.tail;
    if (lane.tail === undefined) lane.head = entry;
    else lane.tail.next = entry;
    lane.tail = entry;
    entry.earlier = level.newest;
    if (level.newest === undefined) level.oldest = entry;
    else level.newest.later = entry;
    level.newest = entry;
    level.size += 1;
    this.count += 1;
    return evicted === undefined ? { entry } : { entry, evicted };
  }

  /** The next entry to serve (highest priority, then the caller whose turn it is), taken out; undefined when empty. */
  shift(): QueueEntry<T> | undefined {
    const level = this.levels[this.levels.length - 1];
    if (level === undefined) return undefined;
    const lane = level.cursor!;
    const entry = lane.head!;
    // Advance first: the caller just served goes to the back of the round.
    level.cursor = lane.ringNext;
    this.unlink(entry);
    return entry;
  }

  /** Takes an entry out before its turn; false when it was already served, removed or evicted. */
  remove(handle: QueueEntry<T>): boolean {
    const entry = handle as Entry<T>;
    if (!entry.queued || entry.lane.level !== this.byPriority.get(entry.priority)) return false;
    this.unlink(entry);
    return true;
  }

  /** How many wait at `priority`. */
  sizeAt(priority: number): number {
    return this.byPriority.get(priority)?.size ?? 0;
  }

  /** Waiters per priority, highest priority first; levels with none are left out. */
  sizes(): Array<{ priority: number; waiting: number }> {
    return this.levels.map((level) => ({ priority: level.priority, waiting: level.size })).reverse();
  }

  private levelFor(priority: number): Level<T> {
    const existing = this.byPriority.get(priority);
    if (existing !== undefined) return existing;
    const level = new Level<T>(priority);
    this.byPriority.set(priority, level);
    let index = this.levels.length;
    while (index > 0 && this.levels[index - 1].priority > priority) index -= 1;
    this.levels.splice(index, 0, level);
    return level;
  }

  private unlink(entry: Entry<T>): void {
    const lane = entry.lane;
    const level = lane.level;
    entry.queued = false;
    if (entry.previous === undefined) lane.head = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === undefined) lane.tail = entry.previous;
    else entry.next.previous = entry.previous;
    if (entry.earlier === undefined) level.oldest = entry.later;
    else entry.earlier.later = entry.later;
    if (entry.later === undefined) level.newest = entry.earlier;
    else entry.later.earlier = entry.earlier;
    entry.previous = entry.next = entry.earlier = entry.later = undefined;
    level.size -= 1;
    this.count -= 1;
    if (lane.head === undefined) leaveRing(level, lane);
    if (level.size === 0) {
      this.byPriority.delete(level.priority);
      this.levels.splice(this.levels.indexOf(level), 1);
    }
  }
}

/** A caller new to the level joins at the end of the current round: just before the cursor. */
function joinRing<T>(level: Level<T>, lane: Lane<T>): void {
  const cursor = level.cursor;
  if (cursor === undefined) {
    level.cursor = lane;
    return;
  }
  lane.ringNext = cursor;
  lane.ringPrevious = cursor.ringPrevious;
  cursor.ringPrevious.ringNext = lane;
  cursor.ringPrevious = lane;
}

function leaveRing<T>(level: Level<T>, lane: Lane<T>): void {
  level.lanes.delete(lane.caller);
  if (lane.ringNext === lane) {
    level.cursor = undefined;
    return;
  }
  lane.ringPrevious.ringNext = lane.ringNext;
  lane.ringNext.ringPrevious = lane.ringPrevious;
  if (level.cursor === lane) level.cursor = lane.ringNext;
  lane.ringNext = lane.ringPrevious = lane;
}
