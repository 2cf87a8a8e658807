/**
 * The train / held-out split of the routing evaluation data, in one place.
 *
 * Train and tune only on: RouteLLM GSM8K, RouteLLM MMLU subjects whose file names sort before
 * `mmlu_n`, RouterBench ARC-Challenge and MBPP, AlpacaEval prompts 1-400. Everything else
 * (MMLU from `mmlu_n` on, MT-Bench, RouterBench Winogrande, AlpacaEval from prompt 401) is held
 * out: no weight, threshold or rule may be chosen by looking at it. The evaluation reports the
 * two parts separately. The split is fixed in advance, not drawn at random, so it cannot drift.
 */
export type Part = 'train' | 'heldout';

/** MMLU subjects sort by file name (`mmlu_<subject>.csv`); `mmlu_n` is the first held-out name. */
export const MMLU_HELDOUT_FROM = 'mmlu_n';

export function mmluPart(fileName: string): Part {
  return fileName < MMLU_HELDOUT_FROM ? 'train' : 'heldout';
}

export const GSM8K_PART: Part = 'train';
export const MT_BENCH_PART: Part = 'heldout';

/** RouterBench task names as in `eval_name`. */
export function routerBenchPart(evalName: string): Part {
  if (evalName === 'arc-challenge' || evalName === 'mbpp') return 'train';
  if (evalName === 'winogrande') return 'heldout';
  throw new Error(`routing eval split: unknown RouterBench task "${evalName}"`);
}

/** AlpacaEval prompts are numbered from 1 in the standard order: `instruction_idx` + 1. */
export const ALPACA_TRAIN_LAST_PROMPT = 400;

export function alpacaPart(instructionIndex: number): Part {
  return instructionIndex + 1 <= ALPACA_TRAIN_LAST_PROMPT ? 'train' : 'heldout';
}
