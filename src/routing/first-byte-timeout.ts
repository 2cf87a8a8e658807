/**
 * How long an attempt may wait for the upstream's first byte before it counts as silent and the
 * request moves on: without it, a hung upstream costs the whole attempt timeout (tens of
 * seconds) before fallback. Pure: the route's setting and the deployment's health in.
 *
 * `auto` (the default) bounds streams only. A stream's first byte comes once the model has read
 * the prompt, so its wait grows with the prompt and with the deployment's own observed time to
 * first token; a whole answer's first byte comes when the answer is complete, whose length
 * nothing bounds, so `auto` leaves whole answers to the attempt timeout. A number bounds both.
 */

/** Least wait for a stream's first byte: fallback from a silent upstream lands well under a second. */
export const AUTO_FIRST_BYTE_FLOOR_MS = 750;
/** A deployment that is slow to start as a rule gets this many times its p95 time to first token. */
export const AUTO_FIRST_BYTE_P95_FACTOR = 4;
/** Time allowed to read the prompt: 0.05 ms a token (20,000 tokens a second), 5 s for 100k tokens. */
export const AUTO_FIRST_BYTE_MS_PER_INPUT_TOKEN = 0.05;
/** Waits are rounded up to this step, so the timers they share stay few. */
const STEP_MS = 50;

export type FirstByteSetting = number | 'auto';

export interface FirstByteInput {
  setting: FirstByteSetting;
  stream: boolean;
  estimatedInputTokens: number;
  /** The deployment's observed p95 time to first token; undefined before it has samples. */
  ttftP95Ms: number | undefined;
  attemptTimeoutMs: number;
}

/** Whether the setting bounds an attempt's first byte at all: a number always, `auto` for streams. */
export function boundsFirstByte(setting: FirstByteSetting, stream: boolean): boolean {
  return setting !== 'auto' || stream;
}

/** The first-byte wait in ms, or undefined when the attempt timeout already bounds it. */
export function firstByteTimeoutMs({ setting, stream, estimatedInputTokens, ttftP95Ms, attemptTimeoutMs }: FirstByteInput): number | undefined {
  if (!boundsFirstByte(setting, stream)) return undefined;
  let wait: number;
  if (setting !== 'auto') wait = setting;
  else {
    const start = Math.max(AUTO_FIRST_BYTE_FLOOR_MS, AUTO_FIRST_BYTE_P95_FACTOR * (ttftP95Ms ?? 0));
    wait = Math.ceil((start + estimatedInputTokens * AUTO_FIRST_BYTE_MS_PER_INPUT_TOKEN) / STEP_MS) * STEP_MS;
  }
  return wait < attemptTimeoutMs ? wait : undefined;
}
