import { getActiveResourcesInfo } from 'node:process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Cancel } from './cancel';
import { Timeouts } from './timeouts';

describe('Timeouts', () => {
  let clock = 0;
  let timeouts: Timeouts;
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
    timeouts = new Timeouts(() => clock);
  });
  afterEach(() => vi.useRealTimers());

  it('cancels each scope with its reason once its own duration has passed', () => {
    const early = new Cancel();
    const late = new Cancel();
    const other = new Cancel();
    timeouts.start(100, early, 'deadline');
    advance(40);
    timeouts.start(100, late, 'deadline');
    timeouts.start(50, other, 'attempt-timeout');
    advance(49);
    expect([early.aborted, late.aborted, other.aborted]).toEqual([false, false, false]);
    advance(1);
    expect(other.reason).toBe('attempt-timeout');
    advance(9);
    expect(early.aborted).toBe(false);
    advance(1);
    expect(early.reason).toBe('deadline');
    expect(late.aborted).toBe(false);
    advance(40);
    expect(late.reason).toBe('deadline');
  });

  it('a stopped timeout never fires, wherever it sat in its list', () => {
    const scopes = [new Cancel(), new Cancel(), new Cancel()];
    const started = scopes.map((scope, index) => {
      advance(index * 10);
      return timeouts.start(100, scope, 'deadline');
    });
    started[0].stop();
    started[1].stop();
    started[1].stop();
    advance(200);
    expect(scopes.map((scope) => scope.aborted)).toEqual([false, false, true]);
  });

  it('keeps one unreferenced timer per duration, which an idle list lets lapse', () => {
    const first = timeouts.start(1_000, new Cancel(), 'deadline');
    expect(vi.getTimerCount()).toBe(1);
    first.stop();
    // Started and stopped again before the timer fires: no timer made or cleared.
    for (let index = 0; index < 5; index += 1) {
      advance(10);
      timeouts.start(1_000, new Cancel(), 'deadline').stop();
    }
    expect(vi.getTimerCount()).toBe(1);
    advance(1_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never keeps an idle process alive', () => {
    vi.useRealTimers();
    const timers = () => getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const before = timers();
    const real = new Timeouts();
    const timeout = real.start(60_000, new Cancel(), 'deadline');
    // An unreferenced timer is not among the resources that keep the event loop alive.
    expect(timers()).toBe(before);
    timeout.stop();
    expect(timers()).toBe(before);
  });

  it('a timeout started while a lapsed entry\'s timer is pending fires at its own deadline', () => {
    timeouts.start(1_000, new Cancel(), 'deadline').stop();
    advance(500);
    const scope = new Cancel();
    timeouts.start(1_000, scope, 'deadline');
    advance(500);
    expect(scope.aborted).toBe(false);
    advance(499);
    expect(scope.aborted).toBe(false);
    advance(1);
    expect(scope.reason).toBe('deadline');
  });

  it('keeps working for timeouts started while others fire', () => {
    const first = new Cancel();
    const second = new Cancel();
    first.onAbort(() => timeouts.start(100, second, 'deadline'));
    timeouts.start(100, first, 'deadline');
    advance(100);
    expect(first.aborted).toBe(true);
    expect(second.aborted).toBe(false);
    advance(100);
    expect(second.aborted).toBe(true);
  });

  it('waits out a duration longer than a Node timer can hold', () => {
    const scope = new Cancel();
    timeouts.start(2 ** 32, scope, 'deadline');
    advance(2 ** 31);
    expect(scope.aborted).toBe(false);
    advance(2 ** 31);
    expect(scope.reason).toBe('deadline');
  });
});
