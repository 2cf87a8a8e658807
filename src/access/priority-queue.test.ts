import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FairPriorityQueue, type QueueEntry } from './priority-queue';

const CALLERS = ['a', 'b', 'c', 'd'];

type Operation = { kind: 'push'; caller: string; priority: number } | { kind: 'shift' } | { kind: 'remove'; pick: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), caller: fc.constantFrom(...CALLERS), priority: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'shift' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
);

/** Drains the queue, in serving order. */
function drain<T>(queue: FairPriorityQueue<T>): T[] {
  const served: T[] = [];
  for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) served.push(entry.value);
  return served;
}

describe('fair priority queue', () => {
  it('serves premium before standard before free, whatever the arrival order', () => {
    const queue = new FairPriorityQueue<string>(10);
    queue.push('a', 0, 'free');
    queue.push('a', 1, 'standard');
    queue.push('a', 2, 'premium');
    queue.push('b', 0, 'free 2');
    expect(drain(queue)).toEqual(['premium', 'standard', 'free', 'free 2']);
  });

  it('takes turns between callers, so one caller with many waiters does not starve another', () => {
    const queue = new FairPriorityQueue<string>(2_000);
    for (let index = 0; index < 1_000; index += 1) queue.push('flood', 1, `flood ${index}`);
    queue.push('single', 1, 'single');
    const served = drain(queue);
    // It arrived after a thousand, but waits behind one of them only.
    expect(served.indexOf('single')).toBe(1);
    expect(served.filter((value) => value.startsWith('flood'))).toEqual(Array.from({ length: 1_000 }, (_, index) => `flood ${index}`));
  });

  it('puts a caller that joins a level at the end of the current round', () => {
    const queue = new FairPriorityQueue<string>(10);
    queue.push('a', 0, 'a1');
    queue.push('a', 0, 'a2');
    queue.push('b', 0, 'b1');
    queue.push('b', 0, 'b2');
    expect(queue.shift()?.value).toBe('a1');
    queue.push('c', 0, 'c1');
    // The round after a1 is b then a; c comes after both.
    expect(drain(queue)).toEqual(['b1', 'a2', 'c1', 'b2']);
  });

  it('takes an entry out by its handle, once', () => {
    const queue = new FairPriorityQueue<string>(10);
    const first = queue.push('a', 0, 'first')!.entry;
    queue.push('a', 0, 'second');
    expect(queue.remove(first)).toBe(true);
    expect(first.queued).toBe(false);
    expect(queue.remove(first)).toBe(false);
    expect(queue.size).toBe(1);
    expect(drain(queue)).toEqual(['second']);
  });

  it('does not remove an entry of another queue', () => {
    const one = new FairPriorityQueue<string>(10);
    const other = new FairPriorityQueue<string>(10);
    const entry = one.push('a', 0, 'x')!.entry;
    other.push('a', 0, 'y');
    expect(other.remove(entry)).toBe(false);
    expect(other.size).toBe(1);
    expect(entry.queued).toBe(true);
  });

  it('when full, refuses a newcomer no more important than the least important waiter', () => {
    const queue = new FairPriorityQueue<string>(2);
    queue.push('a', 1, 'a');
    queue.push('b', 1, 'b');
    expect(queue.push('c', 1, 'c')).toBeUndefined();
    expect(queue.push('c', 0, 'c')).toBeUndefined();
    expect(queue.size).toBe(2);
  });

  it('when full, lets a more important newcomer displace the latest arrival of the lowest level', () => {
    const queue = new FairPriorityQueue<string>(3);
    queue.push('a', 0, 'free early');
    queue.push('b', 1, 'standard');
    queue.push('c', 0, 'free late');
    const result = queue.push('d', 2, 'premium')!;
    expect(result.evicted?.value).toBe('free late');
    expect(result.evicted?.queued).toBe(false);
    expect(queue.size).toBe(3);
    expect(drain(queue)).toEqual(['premium', 'standard', 'free early']);
  });

  it('with no room at all refuses everyone', () => {
    const queue = new FairPriorityQueue<string>(0);
    expect(queue.push('a', 2, 'x')).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
  });

  it('counts waiters per priority, highest first', () => {
    const queue = new FairPriorityQueue<string>(10);
    queue.push('a', 0, 'x');
    queue.push('b', 0, 'y');
    queue.push('a', 2, 'z');
    expect(queue.sizes()).toEqual([
      { priority: 2, waiting: 1 },
      { priority: 0, waiting: 2 },
    ]);
    expect(queue.sizeAt(0)).toBe(2);
    expect(queue.sizeAt(1)).toBe(0);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a capacity of %d', (capacity) => {
    expect(() => new FairPriorityQueue(capacity)).toThrow(RangeError);
  });

  it('keeps its promises under any sequence of pushes, shifts and removals (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.array(operation, { maxLength: 200 }), (capacity, operations) => {
        const queue = new FairPriorityQueue<number>(capacity);
        /** The model: what is queued, in arrival order. */
        let model: Array<QueueEntry<number>> = [];
        const outcomes = new Map<number, 'served' | 'removed' | 'refused'>();
        let next = 0;
        /**
         * Round robin, per level and per waiting caller B: how often each other caller was served
         * at B's level since B last took its turn or joined the level. Must be ≤ 1 when B is served.
         */
        const turns = new Map<string, Map<string, number>>();
        const settle = (entry: QueueEntry<number>, outcome: 'served' | 'removed') => {
          expect(outcomes.has(entry.value), `entry ${entry.value} settled twice`).toBe(false);
          outcomes.set(entry.value, outcome);
          model = model.filter((other) => other !== entry);
          if (!model.some((other) => other.caller === entry.caller && other.priority === entry.priority)) turns.delete(`${entry.priority}:${entry.caller}`);
        };
        const serve = (entry: QueueEntry<number>) => {
          // Nobody more important was waiting; within the caller and level, first in first out.
          expect(entry.priority).toBe(Math.max(...model.map((other) => other.priority)));
          expect(model.find((other) => other.caller === entry.caller && other.priority === entry.priority)).toBe(entry);
          const own = turns.get(`${entry.priority}:${entry.caller}`);
          for (const [other, count] of own ?? []) expect(count, `${other} served ${count} times while ${entry.caller} waited`).toBeLessThanOrEqual(1);
          for (const [key, counts] of turns) {
            if (key.startsWith(`${entry.priority}:`) && key !== `${entry.priority}:${entry.caller}`) counts.set(entry.caller, (counts.get(entry.caller) ?? 0) + 1);
          }
          turns.set(`${entry.priority}:${entry.caller}`, new Map());
          settle(entry, 'served');
        };
        const check = () => {
          expect(queue.size).toBe(model.length);
          expect(queue.size).toBeLessThanOrEqual(capacity);
          for (const priority of [0, 1, 2]) expect(queue.sizeAt(priority)).toBe(model.filter((entry) => entry.priority === priority).length);
        };

        for (const step of operations) {
          if (step.kind === 'push') {
            const value = next++;
            const lowest = model.length === 0 ? undefined : Math.min(...model.map((entry) => entry.priority));
            const joins = !model.some((entry) => entry.caller === step.caller && entry.priority === step.priority);
            const result = queue.push(step.caller, step.priority, value);
            const canEvict = model.length >= capacity && lowest !== undefined && lowest < step.priority;
            if (model.length < capacity || canEvict) {
              expect(result).toBeDefined();
              if (canEvict) {
                const latest = model.filter((entry) => entry.priority === lowest).at(-1);
                expect(result!.evicted).toBe(latest);
                settle(latest!, 'removed');
              } else {
                expect(result!.evicted).toBeUndefined();
              }
              model.push(result!.entry);
              if (joins) turns.set(`${step.priority}:${step.caller}`, new Map());
            } else {
              expect(result).toBeUndefined();
              outcomes.set(value, 'refused');
            }
          } else if (step.kind === 'shift') {
            const entry = queue.shift();
            if (model.length === 0) expect(entry).toBeUndefined();
            else serve(entry!);
          } else if (model.length > 0) {
            const entry = model[step.pick % model.length];
            expect(queue.remove(entry)).toBe(true);
            settle(entry, 'removed');
            expect(queue.remove(entry)).toBe(false);
          }
          check();
        }
        for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) serve(entry);
        check();
        // Every entry pushed was refused, served or removed: exactly once (settle checks the once).
        expect(outcomes.size).toBe(next);
      }),
      { numRuns: 300 },
    );
  });
});
