import { describe, expect, it } from 'vitest';
import { Cancel } from './cancel';

describe('Cancel', () => {
  it("cancels with the first parent's reason, and only once", () => {
    const a = new Cancel();
    const b = new Cancel();
    const child = Cancel.child(a, b);
    const heard: unknown[] = [];
    child.onAbort((reason) => heard.push(reason));
    b.abort('deadline');
    a.abort('client');
    expect(child.aborted).toBe(true);
    expect(child.reason).toBe('deadline');
    expect(heard).toEqual(['deadline']);
  });

  it('starts cancelled when a parent already is, and tells late listeners at once', () => {
    const parent = new Cancel();
    parent.abort('client');
    const child = Cancel.child(parent);
    const heard: unknown[] = [];
    child.onAbort((reason) => heard.push(reason));
    expect(child.reason).toBe('client');
    expect(heard).toEqual(['client']);
  });

  it('cancels on its own without touching the parents, and cascades to grandchildren', () => {
    const parent = new Cancel();
    const child = Cancel.child(parent);
    const grandchild = Cancel.child(child);
    child.abort('attempt-timeout');
    expect(parent.aborted).toBe(false);
    expect(grandchild.reason).toBe('attempt-timeout');
  });

  it('stops following its parents once disposed, and leaves no listener behind on them', () => {
    const parent = new Cancel();
    const children = Array.from({ length: 3 }, () => Cancel.child(parent));
    for (const child of children) child.dispose();
    parent.abort('client');
    expect(children.map((child) => child.aborted)).toEqual([false, false, false]);
    expect((parent as unknown as { listeners?: unknown[] }).listeners ?? []).toHaveLength(0);
  });

  it('a removed listener is not called', () => {
    const scope = new Cancel();
    const heard: unknown[] = [];
    const remove = scope.onAbort((reason) => heard.push(reason));
    remove();
    scope.abort('x');
    expect(heard).toEqual([]);
  });

  it('gives a real AbortSignal on demand that follows the scope, before or after cancellation', () => {
    const early = new Cancel();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.abort('hedge-lost');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('hedge-lost');
    const late = new Cancel();
    late.abort('deadline');
    expect(late.signal.reason).toBe('deadline');
  });
});
