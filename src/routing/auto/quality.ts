/**
 * Predicted quality from the prompt's complexity: P(a good answer) falls as the prompt gets
 * harder than the deployment is able. A logistic curve in (ability − complexity), so a strong
 * deployment stays near 1 until prompts are very hard and a weak one drops off early.
 *
 * The slope and offset are set so that, with the default quality floor of 0.8, a deployment of
 * ability 0.6 is trusted up to complexity ~0.55 and one of 0.9 almost everywhere; they were
 * chosen by hand and checked only on the evaluation's training part.
 */
import type { Deployment } from '../catalog';

const SLOPE = 8;
const OFFSET = 1;

/** Ability assumed for a deployment the config gives no `quality` (the middle of 0..1). */
export const DEFAULT_ABILITY = 0.5;

export function abilityOf(deployment: Deployment): number {
  return deployment.quality ?? DEFAULT_ABILITY;
}

export function complexityQuality(ability: number, complexity: number): number {
  return 1 / (1 + Math.exp(-(SLOPE * (ability - complexity) + OFFSET)));
}

export function clampQuality(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
