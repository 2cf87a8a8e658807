/**
 * Expert routing in the plan stage: the skills a request needs — named by the caller
 * (`x-junction-skill: math`) or recognised in its user turns by the route's
 * `strategyOptions.experts` — so planning sends it to deployments tagged for them. Each route's
 * detector is compiled once per options object (a reload brings new options, and a new one).
 */
import type { ChatRequest } from '../canonical/types';
import { AutoPrompt } from '../routing/auto/prompt';
import type { Route } from '../routing/catalog';
import { parseSkills, SkillDetector, type ExpertOptions } from '../routing/experts/skills';
import type { SkillNeeds } from '../routing/plan';
import type { RoutingHints } from './routing-hints';

const detectors = new WeakMap<ExpertOptions, SkillDetector>();

/** The request's skill needs, or undefined when the route does no expert routing and the caller named none. */
export function skillNeedsFor(route: Route, hints: RoutingHints | undefined, chat: ChatRequest | undefined, prompt?: AutoPrompt): SkillNeeds | undefined {
  const options = route.strategyOptions.experts;
  // Most requests: a route without experts and no header; nothing to read or allocate.
  if (options === undefined && hints?.skill === undefined) return undefined;
  let needed = parseSkills(hints?.skill);
  if (needed.length === 0 && options !== undefined && chat !== undefined) {
    let detector = detectors.get(options);
    if (detector === undefined) detectors.set(options, (detector = new SkillDetector(options)));
    needed = detector.detect((prompt ?? new AutoPrompt(chat)).text);
  }
  return needed.length === 0 ? undefined : { needed, strict: options?.strict ?? false };
}
