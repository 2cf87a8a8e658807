import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTO_FIRST_BYTE_FLOOR_MS, firstByteTimeoutMs, type FirstByteInput } from './first-byte-timeout';

const base: FirstByteInput = { setting: 'auto', stream: true, estimatedInputTokens: 20, ttftP95Ms: undefined, attemptTimeoutMs: 30_000 };

describe('firstByteTimeoutMs', () => {
  it.each([
    ['a short stream prompt with no history: the floor', base, 800],
    ['a deployment slow to start as a rule: 4 × its p95', { ...base, ttftP95Ms: 600 }, 2_450],
    ['a fast deployment keeps the floor', { ...base, ttftP95Ms: 40 }, 800],
    ['a 100k-token prompt gets 5 s to be read', { ...base, estimatedInputTokens: 100_000 }, 5_750],
    ['whole answers are left to the attempt timeout under auto', { ...base, stream: false }, undefined],
    ['a configured number bounds whole answers too', { ...base, setting: 400, stream: false }, 400],
    ['a configured number bounds streams as given', { ...base, setting: 400, estimatedInputTokens: 100_000 }, 400],
    ['nothing separate when it would outlast the attempt timeout', { ...base, estimatedInputTokens: 1_000_000 }, undefined],
    ['nor when a configured number does', { ...base, setting: 40_000 }, undefined],
  ])('%s', (_name, input, expected) => {
    expect(firstByteTimeoutMs(input)).toBe(expected);
  });

  it('under auto, never below the floor, grows with the prompt, and stays under the attempt timeout', () => {
    fc.assert(
      fc.property(fc.nat(2_000_000), fc.option(fc.nat(60_000), { nil: undefined }), fc.integer({ min: 1_000, max: 600_000 }), (tokens, p95, attempt) => {
        const input = { ...base, estimatedInputTokens: tokens, ttftP95Ms: p95, attemptTimeoutMs: attempt };
        const wait = firstByteTimeoutMs(input);
        if (wait === undefined) return;
        expect(wait).toBeGreaterThanOrEqual(AUTO_FIRST_BYTE_FLOOR_MS);
        expect(wait).toBeLessThan(attempt);
        const longer = firstByteTimeoutMs({ ...input, estimatedInputTokens: tokens + 10_000 });
        if (longer !== undefined) expect(longer).toBeGreaterThanOrEqual(wait);
      }),
    );
  });
});
