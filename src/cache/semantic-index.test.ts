import { describe, expect, it } from 'vitest';
import { SemanticIndex } from './semantic-index';

const unit = (values: number[]) => {
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
};

describe('semantic index', () => {
  it('finds the closest vector of the same partition above the threshold, and nothing below it', () => {
    const index = new SemanticIndex(100, () => 0);
    index.add('p', unit([1, 0, 0]), 'x', 1_000);
    index.add('p', unit([0, 1, 0]), 'y', 1_000);
    index.add('q', unit([1, 0.01, 0]), 'other-partition', 1_000);
    const match = index.nearest('p', unit([1, 0.1, 0]), 0.9)!;
    expect(match.key).toBe('x');
    expect(match.similarity).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
    expect(index.nearest('p', unit([1, 1, 0]), 0.9)).toBeUndefined();
    expect(index.nearest('none', unit([1, 0, 0]), 0.1)).toBeUndefined();
  });

  it('ignores expired vectors and reuses their slots; at capacity the oldest goes first', () => {
    let now = 0;
    const index = new SemanticIndex(2, () => now);
    index.add('p', unit([1, 0, 0]), 'old', 10);
    index.add('p', unit([0, 1, 0]), 'young', 100);
    now = 20;
    expect(index.nearest('p', unit([1, 0, 0]), 0.9)).toBeUndefined();
    index.add('p', unit([0, 0, 1]), 'new', 100);
    expect(index.size).toBe(2);
    index.add('p', unit([1, 1, 1]), 'newest', 100);
    expect(index.size).toBe(2);
    expect(index.nearest('p', unit([0, 1, 0]), 0.9)).toBeUndefined();
    expect(index.nearest('p', unit([1, 1, 1]), 0.9)!.key).toBe('newest');
  });

  it('refuses a vector of another length than the index holds', () => {
    const index = new SemanticIndex(10, () => 0);
    expect(index.add('p', [1, 0], 'a', 10)).toBe(true);
    expect(index.add('p', [1, 0, 0], 'b', 10)).toBe(false);
    expect(index.nearest('p', [1, 0, 0], 0)).toBeUndefined();
  });

  it('grows past its first allocation', () => {
    const index = new SemanticIndex(5_000, () => 0);
    const point = (at: number) => unit([Math.cos((at * 2 * Math.PI) / 1_500), Math.sin((at * 2 * Math.PI) / 1_500), 1]);
    for (let at = 0; at < 1_500; at++) index.add('p', point(at), `k${at}`, 10);
    expect(index.size).toBe(1_500);
    expect(index.nearest('p', point(1_234), 0.9999)!.key).toBe('k1234');
  });
});
