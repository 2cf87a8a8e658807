import { describe, expect, it } from 'vitest';
import { linkedSignal } from './linked-signal';

describe('linkedSignal', () => {
  it('aborts with the first parent\'s reason', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkedSignal([a.signal, b.signal]);
    b.abort('deadline');
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('deadline');
    a.abort('client');
    expect(linked.signal.reason).toBe('deadline');
  });

  it('starts aborted when a parent already is', () => {
    const a = new AbortController();
    a.abort('client');
    expect(linkedSignal([a.signal]).signal.reason).toBe('client');
  });

  it('aborts on its own without touching the parents', () => {
    const parent = new AbortController();
    const linked = linkedSignal([parent.signal]);
    linked.abort('attempt-timeout');
    expect(linked.signal.reason).toBe('attempt-timeout');
    expect(parent.signal.aborted).toBe(false);
  });

  it('stops following its parents once disposed', () => {
    const parent = new AbortController();
    const linked = linkedSignal([parent.signal]);
    linked.dispose();
    parent.abort('client');
    expect(linked.signal.aborted).toBe(false);
  });
});
