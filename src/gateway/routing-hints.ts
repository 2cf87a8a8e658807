/**
 * What a caller may say about routing, read from request headers, and the route's permission
 * to honour it. Invalid or forbidden hints are the caller's mistake: a 400 that says which.
 */
import { JunctionError } from '../errors';
import type { Route } from '../routing/catalog';
import type { PlanOverrides } from '../routing/plan';
import type { AutoPrompt } from '../routing/auto/prompt';
import { AUTO_MODES, type AutoMode } from '../routing/auto/types';
import { STRATEGY_NAMES, type StrategyName, type StrategyRequest } from '../routing/strategies/types';

export interface RoutingHints {
  strategy?: string;
  pin?: string[];
  exclude?: string[];
  region?: string;
  stickyKey?: string;
  callerKey?: string;
  /** auto: the predicted quality the choice must reach, in [0, 1] (as sent; checked when planning). */
  qualityFloor?: string;
  /** auto: the most the request may cost, in USD (as sent). */
  maxCostUsd?: string;
  /** auto: complexity, learning or hybrid (as sent). */
  autoMode?: string;
  /** The response cache: `bypass` or `refresh` (as sent; checked by the cache stage). */
  cache?: string;
  /** The request's `cache-control` header: `no-store` bypasses the cache, `no-cache` refreshes it. */
  cacheControl?: string;
  /** Expert routing: the skills the request needs (`math, code`), as sent. */
  skill?: string;
  /** Speech: the language of the text (ISO 639-1), instead of guessing it (as sent; checked by the speech stage). */
  language?: string;
  /** Speech: `realtime` orders the fastest adequate voices first (as sent). */
  latency?: string;
  /** Speech: the lowest quality tier that will do, `standard` or `hd` (as sent). */
  speechTier?: string;
}

export const HINT_HEADERS = {
  strategy: 'x-junction-strategy',
  pin: 'x-junction-pin',
  exclude: 'x-junction-exclude',
  region: 'x-junction-region',
  stickyKey: 'x-junction-sticky-key',
  callerKey: 'x-junction-caller',
  qualityFloor: 'x-junction-quality-floor',
  maxCostUsd: 'x-junction-max-cost',
  autoMode: 'x-junction-auto-mode',
  cache: 'x-junction-cache',
  cacheControl: 'cache-control',
  skill: 'x-junction-skill',
  language: 'x-junction-language',
  latency: 'x-junction-latency',
  speechTier: 'x-junction-speech-tier',
} as const;

/** Hints only the speech endpoint reads. */
export const SPEECH_HINTS = ['language', 'latency', 'speechTier'] as const satisfies ReadonlyArray<keyof RoutingHints>;

/** Hints taken as their header's text (checked, where they need it, when planning). */
const TEXT_HINTS = ['region', 'stickyKey', 'callerKey', 'qualityFloor', 'maxCostUsd', 'autoMode', 'cache', 'cacheControl', 'skill', ...SPEECH_HINTS] as const satisfies ReadonlyArray<keyof RoutingHints>;

export function hintsFromHeaders(headers: Record<string, string | string[] | undefined>): RoutingHints {
  const value = (name: string) => {
    const raw = headers[name];
    const text = Array.isArray(raw) ? raw[0] : raw;
    return text === undefined || text.trim() === '' ? undefined : text.trim();
  };
  const list = (name: string) => value(name)?.split(',').map((item) => item.trim()).filter(Boolean);
  const hints: RoutingHints = {};
  const strategy = value(HINT_HEADERS.strategy);
  if (strategy) hints.strategy = strategy;
  const pin = list(HINT_HEADERS.pin);
  if (pin?.length) hints.pin = pin;
  const exclude = list(HINT_HEADERS.exclude);
  if (exclude?.length) hints.exclude = exclude;
  for (const name of TEXT_HINTS) {
    const text = value(HINT_HEADERS[name]);
    if (text) hints[name] = text;
  }
  return hints;
}

function autoModeOf(text: string): AutoMode {
  if (!(AUTO_MODES as readonly string[]).includes(text)) {
    throw new JunctionError('invalid_request', `${HINT_HEADERS.autoMode}: unknown mode '${text.slice(0, 40)}'; expected one of ${AUTO_MODES.join(', ')}`, { param: HINT_HEADERS.autoMode });
  }
  return text as AutoMode;
}

function numberIn(text: string, header: string, min: number, max: number): number {
  const parsed = Number(text);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new JunctionError('invalid_request', `${header}: '${text.slice(0, 40)}' is not a number from ${min}${Number.isFinite(max) ? ` to ${max}` : ' up'}`, { param: header });
  }
  return parsed;
}

/** The overrides a route allows, or a 400 naming the header it refuses. */
export function overridesFor(route: Route, hints: RoutingHints | undefined): PlanOverrides | undefined {
  if (!hints || (!hints.strategy && !hints.pin && !hints.exclude)) return undefined;
  const overrides: PlanOverrides = {};
  if (hints.strategy) {
    refuseUnless(route.overrides.strategy, route, HINT_HEADERS.strategy);
    if (!(STRATEGY_NAMES as readonly string[]).includes(hints.strategy)) {
      throw new JunctionError('invalid_request', `${HINT_HEADERS.strategy}: unknown strategy '${hints.strategy}'; expected one of ${STRATEGY_NAMES.join(', ')}`, { param: HINT_HEADERS.strategy });
    }
    overrides.strategy = hints.strategy as StrategyName;
  }
  if (hints.pin) {
    refuseUnless(route.overrides.pin, route, HINT_HEADERS.pin);
    overrides.pin = hints.pin;
  }
  if (hints.exclude) {
    refuseUnless(route.overrides.exclude, route, HINT_HEADERS.exclude);
    overrides.exclude = hints.exclude;
  }
  return overrides;
}

function refuseUnless(allowed: boolean, route: Route, header: string): void {
  if (!allowed) {
    throw new JunctionError('invalid_request', `${header}: route ${route.name} does not let requests choose this (routes.${route.name}.overrides)`, { param: header });
  }
}

/** The request context a strategy sees. `route` is asked whether the request may steer auto-routing. */
export function strategyRequest(
  estimatedInputTokens: number,
  maxOutputTokens: number | undefined,
  hints: RoutingHints | undefined,
  user: string | undefined,
  prompt?: AutoPrompt,
  route?: Route,
): StrategyRequest {
  const request: StrategyRequest = {
    estimatedInputTokens,
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(hints?.callerKey ?? user ? { callerKey: hints?.callerKey ?? user } : {}),
    ...(hints?.stickyKey ? { stickyKey: hints.stickyKey } : {}),
    ...(hints?.region ? { region: hints.region } : {}),
  };
  if (prompt) request.prompt = prompt;
  if (hints && (hints.qualityFloor !== undefined || hints.maxCostUsd !== undefined || hints.autoMode !== undefined)) {
    const header = hints.qualityFloor !== undefined ? HINT_HEADERS.qualityFloor : hints.maxCostUsd !== undefined ? HINT_HEADERS.maxCostUsd : HINT_HEADERS.autoMode;
    if (route) refuseUnless(route.overrides.auto, route, header);
    if (hints.qualityFloor !== undefined) request.qualityFloor = numberIn(hints.qualityFloor, HINT_HEADERS.qualityFloor, 0, 1);
    if (hints.maxCostUsd !== undefined) request.maxCostUsd = numberIn(hints.maxCostUsd, HINT_HEADERS.maxCostUsd, 0, Number.POSITIVE_INFINITY);
    if (hints.autoMode !== undefined) request.autoMode = autoModeOf(hints.autoMode);
  }
  return request;
}
