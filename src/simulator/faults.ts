import type { ModelBehaviour, UnfinishedAt } from '../config/simulator-behaviour';

/**
 * What goes wrong with one request, if anything. `cut-stream` and `unfinished-stream` are only
 * drawn for streams; the others apply to every model endpoint.
 */
export type Fault =
  | { kind: 'none' }
  | { kind: 'down' }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'status'; status: number }
  | { kind: 'malformed-json' }
  | { kind: 'wrong-shape' }
  | { kind: 'cut-stream' }
  | { kind: 'unfinished-stream'; at: UnfinishedAt };

const NONE: Fault = { kind: 'none' };
const DOWN: Fault = { kind: 'down' };
const HANG: Fault = { kind: 'hang' };
const RESET: Fault = { kind: 'reset' };
const MALFORMED: Fault = { kind: 'malformed-json' };
const WRONG_SHAPE: Fault = { kind: 'wrong-shape' };
const CUT_STREAM: Fault = { kind: 'cut-stream' };

/**
 * Draw the fault for one request, in the order ModelBehaviour documents. A rate of 0 (or absent)
 * consumes no random number, so adding a fault kind to one model does not reshuffle the draws
 * of a run that never uses it.
 */
export function drawFault(behaviour: ModelBehaviour, random: () => number, stream: boolean): Fault {
  if (behaviour.down === true) return DOWN;
  if (hits(behaviour.hangRate, random)) return HANG;
  if (hits(behaviour.resetRate, random)) return RESET;
  const status = drawStatus(behaviour.errorRates, random);
  if (status !== undefined) return { kind: 'status', status };
  if (hits(behaviour.malformedJsonRate, random)) return MALFORMED;
  if (hits(behaviour.wrongShapeRate, random)) return WRONG_SHAPE;
  if (stream && hits(behaviour.midStreamCutRate, random)) return CUT_STREAM;
  if (stream && hits(behaviour.unfinishedStreamRate, random)) return { kind: 'unfinished-stream', at: behaviour.unfinishedStreamAt ?? 'end' };
  return NONE;
}

function hits(rate: number | undefined, random: () => number): boolean {
  return rate !== undefined && rate > 0 && random() < rate;
}

/** One draw over all statuses: the rates are slices of [0, 1) laid end to end. */
function drawStatus(rates: Record<string, number> | undefined, random: () => number): number | undefined {
  if (rates === undefined) return undefined;
  let total = 0;
  for (const key in rates) total += rates[key] > 0 ? rates[key] : 0;
  if (total <= 0) return undefined;
  const draw = random();
  let edge = 0;
  for (const key in rates) {
    if (!(rates[key] > 0)) continue;
    edge += rates[key];
    if (draw < edge) return Number(key);
  }
  return undefined;
}

/** Retry-After seconds for a status: only 429 and 503 carry one. */
export function retryAfterFor(status: number, behaviour: ModelBehaviour): number | undefined {
  return status === 429 || status === 503 ? (behaviour.retryAfterSeconds ?? 1) : undefined;
}
