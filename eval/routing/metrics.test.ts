import { describe, expect, it } from 'vitest';
import { aiq, apgr, cheapestReaching, costCutAt, cpt, nonDecreasingHull, oracleScores, pgrCurve, randomPairSummary, summarisePair, transferThreshold } from './metrics';

// Four prompts. Weak mean 0.25, strong mean 0.75, gap 0.5.
const outcomes = [
  { weak: 0, strong: 1 }, // gains 1
  { weak: 1, strong: 1 }, // gains 0
  { weak: 0, strong: 1 }, // gains 1
  { weak: 0, strong: 0 }, // gains 0
];

describe('pair metrics', () => {
  it('draws the PGR curve from the ranking (hand-computed, 4 steps)', () => {
    // Ranking by score: prompt 2, 0, 1, 3.
    const curve = pgrCurve(outcomes, [0.5, 0.2, 0.9, 0.1], 4);
    expect(curve.map((point) => point.quality)).toEqual([0.25, 0.5, 0.75, 0.75, 0.75]);
    expect(curve.map((point) => point.pgr)).toEqual([0, 0.5, 1, 1, 1]);
    // Trapezoids of width 0.25 over 0, .5, 1, 1, 1: (.25 + .75 + 1 + 1) × .25 = 0.75.
    expect(apgr(curve)).toBeCloseTo(0.75, 12);
    expect(cpt(curve, 0.5)).toBe(0.25);
    expect(cpt(curve, 0.8)).toBe(0.5);
    // 95% of 0.75 = 0.7125, first reached at share 0.5.
    expect(costCutAt(curve, 0.75)).toBe(0.5);
  });

  it('a router that ranks backwards does worse than random', () => {
    const curve = pgrCurve(outcomes, [0.1, 0.9, 0.2, 0.8], 4);
    expect(curve.map((point) => point.pgr)).toEqual([0, 0, 0, 0.5, 1]);
    expect(apgr(curve)).toBeCloseTo(0.25, 12);
    expect(cpt(curve, 0.8)).toBe(1);
  });

  it('takes the expected value of a random order within ties, whatever the input order', () => {
    // All tied: the diagonal, 0.25 + k × 0.5 / 4.
    const curve = pgrCurve(outcomes, [1, 1, 1, 1], 4);
    expect(curve.map((point) => point.quality)).toEqual([0.25, 0.375, 0.5, 0.625, 0.75]);
    // Prompt 2 alone first (gain 1), then 0, 1, 3 tied (gains 1, 0, 0: 1/3 each).
    const partly = pgrCurve(outcomes, [0, 0, 1, 0], 4);
    expect(partly.map((point) => point.quality * 12)).toEqual([3, 6, 7, 8, 9].map((value) => expect.closeTo(value, 9)));
  });

  it('the oracle sends the prompts the strong model gains on first; random is the diagonal', () => {
    const oracle = summarisePair(outcomes, oracleScores(outcomes));
    // On the 101-point grid, share s sends round(4s) prompts strong: 1 prompt from s = 0.13, 2 from 0.38.
    expect(oracle.cpt50).toBeCloseTo(0.13, 12);
    expect(oracle.cpt80).toBeCloseTo(0.38, 12);
    const random = randomPairSummary(outcomes);
    expect(random.apgr).toBeCloseTo(0.5, 12);
    expect(random.cpt50).toBeCloseTo(0.5, 12);
    expect(random.cpt80).toBeCloseTo(0.8, 12);
    // 0.25 + s × 0.5 ≥ 0.95 × 0.75 from s = 0.925, so the grid's 0.93: cut 0.07.
    expect(random.costCutAt95).toBeCloseTo(0.07, 12);
  });

  it('refuses NaN scores', () => {
    expect(() => pgrCurve(outcomes, [0, Number.NaN, 1, 2])).toThrow(/NaN/);
  });

  it('returns null when a target is never reached', () => {
    const curve = pgrCurve([{ weak: 0, strong: 1 }], [0], 2);
    expect(cpt(curve, 1.5)).toBeNull();
    expect(costCutAt(curve, 2)).toBeNull();
  });
});

describe('cost-quality metrics', () => {
  const points = [
    { cost: 1, quality: 0.5 },
    { cost: 2, quality: 0.6 }, // under the chord from (1, .5) to (3, .9): dropped
    { cost: 3, quality: 0.9 },
    { cost: 4, quality: 0.8 }, // dearer and worse: dropped
  ];

  it('keeps the non-decreasing upper convex hull', () => {
    expect(nonDecreasingHull(points)).toEqual([
      { cost: 1, quality: 0.5 },
      { cost: 3, quality: 0.9 },
    ]);
  });

  it('AIQ is the hull area over the cost range (hand-computed)', () => {
    // Over [1, 5]: trapezoid 1→3 = (.5 + .9)/2 × 2 = 1.4, flat 3→5 = .9 × 2 = 1.8; (1.4 + 1.8) / 4 = 0.8.
    expect(aiq(points, 1, 5)).toBeCloseTo(0.8, 12);
    // Over [0, 5]: nothing before the first point: 3.2 / 5 = 0.64.
    expect(aiq(points, 0, 5)).toBeCloseTo(0.64, 12);
    // A single point at the bottom of the range is flat: AIQ = its quality.
    expect(aiq([{ cost: 1, quality: 0.7 }], 1, 2)).toBeCloseTo(0.7, 12);
  });

  it('finds the cheapest point reaching a quality', () => {
    expect(cheapestReaching(points, 0.8)).toEqual({ cost: 3, quality: 0.9 });
    expect(cheapestReaching(points, 0.95)).toBeNull();
  });
});

describe('threshold transfer', () => {
  it('picks the highest training threshold reaching 95% of strong quality and applies it unchanged', () => {
    // Training: strong 0.75. Threshold 0.9 (prompt 2 strong) gives 0.5; 0.5 (prompts 2, 0) gives 0.75 ≥ 0.7125.
    const target = [
      { weak: 0, strong: 1 },
      { weak: 1, strong: 1 },
    ];
    const transfer = transferThreshold(outcomes, [0.5, 0.2, 0.9, 0.1], target, [0.6, 0.1]);
    expect(transfer.threshold).toBe(0.5);
    expect(transfer.strongShare).toBe(0.5);
    expect(transfer.qualityRatio).toBe(1);
  });
});
