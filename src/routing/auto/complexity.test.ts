import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../tokens/token-count';
import { classifyPattern, complexityFeatures, COUNT_CHARS, promptTokens, scoreComplexity } from './complexity';

describe('scoreComplexity', () => {
  it.each([
    ['Hi there!', 'chat'],
    ['What is the capital of France?', 'simple_question'],
    ['Write a python function that returns the n-th Fibonacci number.\n```python\ndef fib(n):\n    pass\n```', 'code'],
    ['Solve the equation 3x + 5 = 20 and calculate x.', 'math'],
    ['Compose a short poem about the sea, then write a story about a lighthouse.', 'creative'],
    ['Extract every date from this text and summarize it: the meeting moved from May 3 to May 9.', 'extraction'],
    ['Compare and contrast the trade-offs of two database designs and evaluate their implications.', 'analysis'],
  ])('classifies %j as %s', (text, pattern) => {
    expect(scoreComplexity({ text }).pattern).toBe(pattern);
  });

  it('keeps the score in [0, 1] and explains it in one line', () => {
    for (const text of ['', 'a', 'x'.repeat(50_000), 'def f(): return 1\n'.repeat(500)]) {
      const result = scoreComplexity({ text, messages: 40 });
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(1);
      expect(result.reason).not.toContain('\n');
    }
  });

  it('is deterministic', () => {
    const text = 'Explain step by step how to compute 17 * 23, then prove it.';
    expect(scoreComplexity({ text })).toEqual(scoreComplexity({ text }));
  });

  it('scores a multi-step coding task above a short question', () => {
    const hard = scoreComplexity({
      text: 'First, write a TypeScript function that parses a CSV file with quoted fields. Then add tests. It must handle newlines inside quotes and should not use any library. Finally, explain the algorithm step by step.',
    });
    const easy = scoreComplexity({ text: 'Who wrote Hamlet?' });
    expect(hard.score).toBeGreaterThan(easy.score + 0.2);
    expect(hard.reason).toMatch(/^(high|medium) complexity/);
    expect(easy.reason).toMatch(/^low complexity/);
  });

  it('grows with the length of otherwise similar text', () => {
    const short = scoreComplexity({ text: 'Tell me about the history of Rome.' });
    const long = scoreComplexity({ text: 'Tell me about the history of Rome. '.repeat(40) });
    expect(long.score).toBeGreaterThan(short.score);
  });

  it('counts more messages as more complex', () => {
    const text = 'And what about the second one?';
    expect(scoreComplexity({ text, messages: 6 }).score).toBeGreaterThan(scoreComplexity({ text, messages: 1 }).score);
  });

  it('counts features', () => {
    const features = complexityFeatures({ text: 'Question?\nA. one\nB. two\nC. three\nD. four' });
    expect(features.listLines).toBe(4);
    expect(features.questionWords).toBe(1);
    expect(classifyPattern({ ...features, codeMarkers: 5 })).toBe('code');
  });

  it('for any text and message count: a score in [0, 1], the same twice, a known pattern (property)', () => {
    const patterns = ['code', 'math', 'analysis', 'creative', 'extraction', 'simple_question', 'chat'];
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 0, max: 100 }), (text, messages) => {
        const result = scoreComplexity({ text, messages });
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(1);
        expect(patterns).toContain(result.pattern);
        expect(scoreComplexity({ text, messages })).toEqual(result);
      }),
      { numRuns: 200 },
    );
  });
});

describe('promptTokens', () => {
  it('counts exactly up to COUNT_CHARS and extrapolates beyond, close to the exact count', () => {
    const short = 'Explain the trade-offs of caching. '.repeat(20);
    expect(promptTokens(short)).toBe(countTokens(short).tokens);
    const long = 'Summarise the report and compare its conclusions with last year. '.repeat(1_000);
    expect(long.length).toBeGreaterThan(COUNT_CHARS * 10);
    const exact = countTokens(long).tokens;
    expect(Math.abs(promptTokens(long) - exact) / exact).toBeLessThan(0.02);
  });
});
