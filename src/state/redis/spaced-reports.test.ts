import { describe, expect, it } from 'vitest';
import { spacedReports } from './spaced-reports';

describe('spacedReports', () => {
  it('tells the first error of a kind, counts the rest within the interval, and tells the count with the next', () => {
    const told: string[] = [];
    let clock = 0;
    const report = spacedReports((error) => told.push(error.message), () => clock, 1_000);
    report('claim', new Error('no answer 1'));
    clock = 500;
    report('claim', new Error('no answer 2'));
    report('claim', new Error('no answer 3'));
    expect(told).toEqual(['no answer 1']);
    clock = 1_000;
    report('claim', new Error('no answer 4'));
    clock = 2_500;
    report('claim', new Error('no answer 5'));
    expect(told).toEqual(['no answer 1', 'no answer 4 (2 more since the last report)', 'no answer 5']);
  });

  it('spaces each kind on its own', () => {
    const told: string[] = [];
    const report = spacedReports((error) => told.push(error.message), () => 0, 1_000);
    report('claim', new Error('no answer'));
    report('connection', new Error('ECONNREFUSED'));
    report('claim', new Error('no answer'));
    expect(told).toEqual(['no answer', 'ECONNREFUSED']);
  });
});
