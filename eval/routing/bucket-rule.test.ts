import { describe, expect, it } from 'vitest';
import { applyBucketRule, fitBucketRule, replay, type ScoredOutcome } from './bucket-rule';

const models = ['cheap', 'dear'];
function outcome(score: number, cheap: number, dear: number): ScoredOutcome {
  return { score, quality: { cheap, dear }, cost: { cheap: 1, dear: 10 } };
}
// Easy prompts (low score): both models right. Hard prompts: only the dear one, 3 times in 4.
const training = [outcome(0.1, 1, 1), outcome(0.2, 1, 1), outcome(0.3, 1, 1), outcome(0.4, 1, 1), outcome(0.6, 0, 1), outcome(0.7, 1, 1), outcome(0.8, 0, 1), outcome(0.9, 0, 1)];

describe('bucket rule', () => {
  it('picks the cheapest model within epsilon of the best per bucket', () => {
    const rule = fitBucketRule(training, models, 0, 2);
    expect(rule.edges).toEqual([0.6]);
    expect(rule.choices).toEqual(['cheap', 'dear']);
    expect(applyBucketRule(rule, 0.05)).toBe('cheap');
    expect(applyBucketRule(rule, 0.95)).toBe('dear');
    // Hard bucket: cheap is 0.25 against dear's 1; epsilon 0.8 accepts it.
    expect(fitBucketRule(training, models, 0.8, 2).choices).toEqual(['cheap', 'cheap']);
  });

  it('replays choices into a mean cost and quality', () => {
    const rule = fitBucketRule(training, models, 0, 2);
    expect(replay(training, (item) => applyBucketRule(rule, item.score))).toEqual({ cost: (4 * 1 + 4 * 10) / 8, quality: 1 });
    expect(replay(training, () => 'cheap')).toEqual({ cost: 1, quality: 5 / 8 });
  });
});
