import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JunctionError } from '../errors';
import { createConcurrencyGate, setChainedTimeout, type AcquireRequest, type ConcurrencyGateOptions, type GateSlot } from './concurrency-gate';

const PREMIUM = 2;
const STANDARD = 1;
const FREE = 0;

/** A clock and timers that move only when told to. */
function manualTime() {
  let time = 1_000;
  const timers: Array<{ at: number; callback: () => void; active: boolean }> = [];
  return {
    now: () => time,
    setTimer(callback: () => void, ms: number) {
      const timer = { at: time + ms, callback, active: true };
      timers.push(timer);
      return () => {
        timer.active = false;
      };
    },
    /** Moves the clock on, firing due timers in order. */
    advance(ms: number) {
      const target = time + ms;
      for (;;) {
        const due = timers.filter((timer) => timer.active && timer.at <= target).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        time = due.at;
        due.active = false;
        due.callback();
      }
      time = target;
    },
    pending: () => timers.filter((timer) => timer.active).length,
  };
}

function setup(options: Partial<ConcurrencyGateOptions> = {}) {
  const time = manualTime();
  const gate = createConcurrencyGate({ limit: 1, maxQueue: 10, name: 'chat', now: time.now, setTimer: time.setTimer, ...options });
  const ask = (caller: string, priority = STANDARD, extra: Partial<AcquireRequest> = {}) => gate.acquire({ caller, priority, deadline: time.now() + 10_000, ...extra });
  return { time, gate, ask };
}

/** A held slot from the fast path (fails if it came as a promise). */
function held(result: GateSlot | Promise<GateSlot>): GateSlot {
  expect(result).not.toBeInstanceOf(Promise);
  return result as GateSlot;
}

/** A promise's outcome so far, without waiting for it. */
function track<T>(promise: T | Promise<T>) {
  expect(promise).toBeInstanceOf(Promise);
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; reason?: unknown } = { status: 'pending' };
  (promise as Promise<T>).then(
    (value) => Object.assign(state, { status: 'fulfilled', value }),
    (reason: unknown) => Object.assign(state, { status: 'rejected', reason }),
  );
  return state;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('concurrency gate', () => {
  it('hands out slots synchronously while below the limit', () => {
    const { gate, ask } = setup({ limit: 3 });
    const slots = [held(ask('a')), held(ask('b')), held(ask('a'))];
    expect(gate.stats()).toMatchObject({ inFlight: 3, waiting: 0 });
    slots[0].release();
    expect(gate.stats().inFlight).toBe(2);
    held(ask('c'));
  });

  it('makes requests wait when saturated and hands a released slot straight to the next', async () => {
    const { gate, ask } = setup({ limit: 2 });
    const first = held(ask('a'));
    held(ask('b'));
    const third = track(ask('c'));
    await settle();
    expect(third.status).toBe('pending');
    expect(gate.stats()).toMatchObject({ inFlight: 2, waiting: 1 });
    first.release();
    await settle();
    expect(third.status).toBe('fulfilled');
    expect(gate.stats()).toMatchObject({ inFlight: 2, waiting: 0 });
    // The handed-on slot is a real one: releasing it frees capacity.
    third.value!.release();
    expect(gate.stats().inFlight).toBe(1);
  });

  it('lets no newcomer take a freed slot ahead of those waiting', async () => {
    const { ask } = setup();
    const first = held(ask('a'));
    const waiting = track(ask('b'));
    first.release();
    const newcomer = track(ask('c'));
    await settle();
    expect(waiting.status).toBe('fulfilled');
    expect(newcomer.status).toBe('pending');
  });

  it('ignores a second release of the same slot', async () => {
    const { gate, ask } = setup();
    const first = held(ask('a'));
    const second = track(ask('b'));
    const third = track(ask('c'));
    first.release();
    first.release();
    await settle();
    expect(second.status).toBe('fulfilled');
    expect(third.status).toBe('pending');
    expect(gate.stats()).toMatchObject({ inFlight: 1, waiting: 1 });
    second.value!.release();
    second.value!.release();
    await settle();
    expect(third.status).toBe('fulfilled');
    third.value!.release();
    third.value!.release();
    expect(gate.stats()).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('refuses with queue_full (429) when the queue is full', async () => {
    const { gate, ask } = setup({ maxQueue: 1 });
    held(ask('a'));
    const waiting = track(ask('b'));
    const refused = track(ask('c'));
    await settle();
    expect(waiting.status).toBe('pending');
    expect(refused.status).toBe('rejected');
    expect(refused.reason).toBeInstanceOf(JunctionError);
    expect(refused.reason).toMatchObject({ code: 'queue_full', status: 429, kind: 'rate_limit' });
    expect((refused.reason as Error).message).toContain("'chat'");
    expect(gate.stats().waiting).toBe(1);
  });

  it('refuses at once when saturated with no queue at all', async () => {
    const { ask } = setup({ maxQueue: 0 });
    held(ask('a'));
    const refused = track(ask('b', PREMIUM));
    await settle();
    expect(refused.reason).toMatchObject({ code: 'queue_full' });
  });

  it('lets a premium request displace the latest free waiter from a full queue', async () => {
    const { gate, ask, time } = setup({ maxQueue: 2 });
    const first = held(ask('a'));
    const early = track(ask('free-1', FREE));
    const controller = new AbortController();
    const late = track(ask('free-2', FREE, { signal: controller.signal }));
    const premium = track(ask('premium', PREMIUM));
    await settle();
    expect(late.status).toBe('rejected');
    // The displaced waiter leaves nothing behind: no deadline timer, no abort listener.
    expect(time.pending()).toBe(2);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(late.reason).toMatchObject({ code: 'queue_full', status: 429 });
    expect((late.reason as Error).message).toContain('higher-priority');
    expect(early.status).toBe('pending');
    expect(gate.stats().waitingByPriority).toEqual([
      { priority: PREMIUM, waiting: 1 },
      { priority: FREE, waiting: 1 },
    ]);
    first.release();
    await settle();
    expect(premium.status).toBe('fulfilled');
    expect(early.status).toBe('pending');
  });

  it('rejects with queue_timeout (503) when the deadline passes while waiting, and forgets the waiter', async () => {
    const { gate, ask, time } = setup();
    const first = held(ask('a'));
    const waiting = track(ask('b', STANDARD, { deadline: time.now() + 100 }));
    time.advance(99);
    await settle();
    expect(waiting.status).toBe('pending');
    time.advance(1);
    await settle();
    expect(waiting.status).toBe('rejected');
    expect(waiting.reason).toMatchObject({ code: 'queue_timeout', status: 503, kind: 'overloaded' });
    expect(gate.stats().waiting).toBe(0);
    // The slot is not handed to the one who left: it is free again.
    first.release();
    expect(gate.stats().inFlight).toBe(0);
    held(ask('c'));
  });

  it('rejects at once when saturated and the deadline has already passed', async () => {
    const { ask, time } = setup();
    held(ask('a'));
    const late = track(ask('b', STANDARD, { deadline: time.now() }));
    const nonsense = track(ask('b', STANDARD, { deadline: Number.NaN }));
    await settle();
    expect(late.reason).toMatchObject({ code: 'queue_timeout' });
    expect(nonsense.reason).toMatchObject({ code: 'queue_timeout' });
  });

  it('cancels the deadline timer of a waiter that got its slot', async () => {
    const { ask, time } = setup();
    const first = held(ask('a'));
    const waiting = track(ask('b', STANDARD, { deadline: time.now() + 100 }));
    expect(time.pending()).toBe(1);
    first.release();
    expect(time.pending()).toBe(0);
    time.advance(1_000);
    await settle();
    expect(waiting.status).toBe('fulfilled');
  });

  it('starts no timer for a deadline of Infinity', async () => {
    const { gate, ask, time } = setup();
    held(ask('a'));
    track(ask('b', STANDARD, { deadline: Number.POSITIVE_INFINITY }));
    expect(time.pending()).toBe(0);
    expect(gate.stats().waiting).toBe(1);
  });

  it('stops waiting when the caller leaves, with the signal’s reason', async () => {
    const { gate, ask, time } = setup();
    const first = held(ask('a'));
    const controller = new AbortController();
    const leaving = track(ask('b', STANDARD, { signal: controller.signal }));
    const staying = track(ask('c'));
    const reason = new Error('client closed');
    controller.abort(reason);
    await settle();
    expect(leaving.status).toBe('rejected');
    expect(leaving.reason).toBe(reason);
    expect(gate.stats().waiting).toBe(1);
    expect(time.pending()).toBe(1);
    first.release();
    await settle();
    expect(staying.status).toBe('fulfilled');
  });

  it('refuses a caller that already left, even with a slot free', async () => {
    const { gate, ask } = setup();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const result = track(ask('a', STANDARD, { signal: controller.signal }));
    await settle();
    expect((result.reason as Error).message).toBe('gone');
    expect(gate.stats().inFlight).toBe(0);
  });

  it('leaves a granted slot alone when the signal aborts afterwards', async () => {
    const { gate, ask } = setup();
    const first = held(ask('a'));
    const controller = new AbortController();
    const waiting = track(ask('b', STANDARD, { signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    first.release();
    // A signal that outlives the wait (the request's own, say) keeps no listener from it.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort(new Error('late'));
    await settle();
    expect(waiting.status).toBe('fulfilled');
    expect(gate.stats().inFlight).toBe(1);
  });

  it('does not let one key starve another: a single request waits behind one of a thousand', async () => {
    const { ask } = setup({ maxQueue: 2_000 });
    const first = held(ask('flood'));
    const order: string[] = [];
    const callers = [...Array.from({ length: 1_000 }, () => 'flood'), 'single'];
    // Each request, once in, notes itself and leaves, letting in the next.
    const done = callers.map((caller) =>
      (ask(caller) as Promise<GateSlot>).then((slot) => {
        order.push(caller);
        slot.release();
      }),
    );
    first.release();
    await Promise.all(done);
    expect(order).toHaveLength(1_001);
    expect(order.indexOf('single')).toBe(1);
  });

  it('lets premium in before standard before free, whenever they arrived', async () => {
    const { ask } = setup();
    const first = held(ask('a'));
    const order: string[] = [];
    const pending = [
      ['free', FREE],
      ['standard', STANDARD],
      ['premium', PREMIUM],
      ['free again', FREE],
    ].map(([name, priority]) =>
      (ask(name as string, priority as number) as Promise<GateSlot>).then((slot) => {
        order.push(name as string);
        slot.release();
      }),
    );
    first.release();
    await Promise.all(pending);
    expect(order).toEqual(['premium', 'standard', 'free', 'free again']);
  });

  it('refuses nonsense limits', () => {
    expect(() => createConcurrencyGate({ limit: 0, maxQueue: 1 })).toThrow(RangeError);
    expect(() => createConcurrencyGate({ limit: 1.5, maxQueue: 1 })).toThrow(RangeError);
    expect(() => createConcurrencyGate({ limit: 1, maxQueue: -1 })).toThrow(RangeError);
  });

  it('never hangs: whatever happens, every request is granted or refused once, and all slots come back (property)', async () => {
    type Step =
      | { kind: 'acquire'; caller: string; priority: number; waitMs: number; abortable: boolean }
      | { kind: 'release'; pick: number }
      | { kind: 'abort'; pick: number }
      | { kind: 'advance'; ms: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('acquire' as const), caller: fc.constantFrom('a', 'b', 'c'), priority: fc.integer({ min: 0, max: 2 }), waitMs: fc.integer({ min: 0, max: 500 }), abortable: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 300 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 }), fc.array(step, { maxLength: 60 }), async (limit, maxQueue, steps) => {
        const time = manualTime();
        const gate = createConcurrencyGate({ limit, maxQueue, now: time.now, setTimer: time.setTimer });
        const slots: GateSlot[] = [];
        const controllers: AbortController[] = [];
        let asked = 0;
        let outcomes = 0;
        const note = (result: GateSlot | Promise<GateSlot>) => {
          asked += 1;
          let settled = false;
          const once = () => {
            expect(settled).toBe(false);
            settled = true;
            outcomes += 1;
          };
          if (result instanceof Promise) {
            result.then(
              (slot) => {
                once();
                slots.push(slot);
              },
              (reason: unknown) => {
                once();
                if (!(reason instanceof JunctionError)) expect((reason as Error).message).toBe('left');
              },
            );
          } else {
            once();
            slots.push(result);
          }
        };
        for (const action of steps) {
          if (action.kind === 'acquire') {
            const controller = new AbortController();
            if (action.abortable) controllers.push(controller);
            note(gate.acquire({ caller: action.caller, priority: action.priority, deadline: time.now() + action.waitMs, signal: controller.signal }));
          } else if (action.kind === 'release' && slots.length > 0) {
            slots.splice(action.pick % slots.length, 1)[0].release();
          } else if (action.kind === 'abort' && controllers.length > 0) {
            controllers.splice(action.pick % controllers.length, 1)[0].abort(new Error('left'));
          } else if (action.kind === 'advance') {
            time.advance(action.ms);
          }
          await settle();
          const stats = gate.stats();
          expect(stats.inFlight).toBeLessThanOrEqual(limit);
          expect(stats.waiting).toBeLessThanOrEqual(maxQueue);
          expect(stats.inFlight).toBe(slots.length);
          expect(stats.waitingByPriority.reduce((sum, level) => sum + level.waiting, 0)).toBe(stats.waiting);
        }
        // Past every deadline, releasing what is held: nothing may still be waiting.
        time.advance(1_000);
        await settle();
        while (slots.length > 0) {
          slots.pop()!.release();
          await settle();
        }
        expect(outcomes).toBe(asked);
        expect(gate.stats()).toMatchObject({ inFlight: 0, waiting: 0 });
        expect(time.pending()).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('chains the default timer for delays setTimeout cannot hold, and cancels it', async () => {
    let fired = false;
    const cancel = setChainedTimeout(() => {
      fired = true;
    }, 3_000_000_000);
    await settle();
    expect(fired).toBe(false);
    cancel();
    const fires = new Promise<void>((resolve) => setChainedTimeout(resolve, 1));
    await expect(fires).resolves.toBeUndefined();
  });
});
