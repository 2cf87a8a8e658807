/**
 * What the benchmark measures: each scenario is one request shape sent to one process.
 * Scenario `2s` (the floor, streamed) is the baseline for 5's time to first byte and runs
 * whenever 5 does; the access scenarios are judged against 4 (the same route without keys),
 * and access-redis's latency against the floor (2), so those run with them.
 */
import type { RequestKind } from './load';

/** The processes the harness can start. */
export type Target = 'upstream' | 'floor' | 'junction' | 'workers' | 'baseline' | 'access-memory' | 'access-redis';

export interface Scenario {
  id: string;
  name: string;
  target: Target;
  request: RequestKind;
  /** The request carries the run's virtual key (`Authorization: Bearer`), made when the run starts. */
  keyed?: boolean;
}

const PROMPT = [{ role: 'user', content: 'Say something short about routers.' }];

/** An OpenAI chat request body; streamed ones ask for usage, as metered clients do. */
export function chatBody(model: string, stream: boolean): string {
  return JSON.stringify(stream ? { model, messages: PROMPT, stream: true, stream_options: { include_usage: true } } : { model, messages: PROMPT });
}

const chat = (name: string, model: string, stream = false): RequestKind => ({ name, path: '/v1/chat/completions', body: chatBody(model, stream), stream });

export const SCENARIOS: readonly Scenario[] = [
  { id: '1', name: 'direct to upstream', target: 'upstream', request: chat('plain', 'bench-a') },
  { id: '2', name: 'floor proxy', target: 'floor', request: chat('plain', 'bench-a') },
  { id: '2s', name: 'floor proxy, SSE', target: 'floor', request: chat('stream', 'bench-a', true) },
  { id: '3', name: 'junction, 1 deployment', target: 'junction', request: chat('plain', 'bench-one') },
  { id: '4', name: 'junction, route of 3', target: 'junction', request: chat('plain', 'bench-three') },
  // Scenario 4's route with a virtual key, a rate limit and a budget, counted in memory or in
  // Redis; right after 4, so each round's pair runs close together.
  { id: 'access-memory', name: 'junction, keys, memory', target: 'access-memory', request: chat('plain', 'bench-three'), keyed: true },
  { id: 'access-redis', name: 'junction, keys, Redis', target: 'access-redis', request: chat('plain', 'bench-three'), keyed: true },
  // The response cache: every request after the first a hit; and `refresh`, so each computes its key, is answered upstream and stored (the miss path).
  { id: 'cache-hit', name: 'junction, cache hit', target: 'junction', request: chat('plain', 'bench-cached') },
  { id: 'cache-miss', name: 'junction, cache miss (refresh)', target: 'junction', request: { ...chat('plain', 'bench-cached'), headers: { 'x-junction-cache': 'refresh' } } },
  { id: '5', name: 'junction, route of 3, SSE', target: 'junction', request: chat('stream', 'bench-three', true) },
  { id: '6', name: 'junction --workers 2', target: 'workers', request: chat('plain', 'bench-three') },
  // Run only with --baseline: scenario 4 on another build, interleaved with this one's.
  { id: '4b', name: 'baseline build, route of 3', target: 'baseline', request: chat('plain', 'bench-three') },
];

/**
 * The scenarios to run, in table order; all when `ids` is undefined (4b only with a baseline).
 * Throws on an unknown id.
 */
export function selectScenarios(ids: readonly string[] | undefined, baseline = false): Scenario[] {
  if (ids === undefined) return SCENARIOS.filter((scenario) => baseline || scenario.target !== 'baseline');
  const wanted = new Set(ids);
  for (const id of wanted) {
    if (!SCENARIOS.some((scenario) => scenario.id === id)) throw new Error(`unknown scenario '${id}' (known: ${SCENARIOS.map((scenario) => scenario.id).join(', ')})`);
  }
  if (wanted.has('5')) wanted.add('2s');
  if (wanted.has('access-memory') || wanted.has('access-redis')) wanted.add('4');
  if (wanted.has('access-redis')) wanted.add('2');
  if (wanted.has('cache-hit')) wanted.add('2');
  if (wanted.has('cache-miss')) wanted.add('4');
  if (baseline) wanted.add('4b');
  if (wanted.has('4b') && !baseline) throw new Error('scenario 4b needs --baseline <bundle>');
  return SCENARIOS.filter((scenario) => wanted.has(scenario.id));
}

/** The request as a keyed scenario sends it: with the run's key as a bearer token. */
export function withKey(request: RequestKind, key: string): RequestKind {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${key}` } };
}
