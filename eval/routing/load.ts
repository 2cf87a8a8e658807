import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv';
import { alpacaPart, GSM8K_PART, mmluPart, MT_BENCH_PART, routerBenchPart, type Part } from './split';

/**
 * Loaders for the routing evaluation data (see the data's own README for the formats). Each
 * returns plain records tagged with their part of the split, so no caller has to know it.
 */

/** One prompt with the recorded quality of a weak and a strong model. */
export interface PairPrompt {
  id: string;
  /** The text the router sees. */
  text: string;
  messages: number;
  weak: number;
  strong: number;
  part: Part;
}

export interface PairDataset {
  name: string;
  weakModel: string;
  strongModel: string;
  prompts: PairPrompt[];
}

/** One prompt with every model's recorded quality and USD cost. */
export interface MultiPrompt {
  id: string;
  task: string;
  text: string;
  part: Part;
  quality: Record<string, number>;
  cost: Record<string, number>;
}

export interface MultiDataset {
  models: string[];
  prompts: MultiPrompt[];
}

export const ROUTELLM_WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
export const ROUTELLM_STRONG = 'gpt-4-1106-preview';

function readJsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** RouteLLM drops prompts that leaked into its routers' training data; so do we, to compare. */
function contaminated(path: string): Set<string> {
  return new Set(readJsonLines(path).map((record) => String(record.eval_prompt)));
}

function truth(value: string | undefined): number {
  if (value === 'True') return 1;
  if (value === 'False') return 0;
  throw new Error(`routing eval data: expected True or False, got ${JSON.stringify(value)}`);
}

/** RouteLLM MMLU: one CSV per subject; the part follows the file name. */
export function loadMmlu(root: string): PairDataset {
  const dir = join(root, 'routellm', 'mmlu', 'responses');
  const skip = contaminated(join(root, 'routellm', 'mmlu', 'contaminated_prompts.jsonl'));
  const prompts: PairPrompt[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.csv')).sort()) {
    const part = mmluPart(file);
    parseCsv(readFileSync(join(dir, file), 'utf8')).forEach((row, index) => {
      if (skip.has(row.prompt)) return;
      prompts.push({ id: `${file}#${index}`, text: row.prompt, messages: 1, weak: truth(row[ROUTELLM_WEAK]), strong: truth(row[ROUTELLM_STRONG]), part });
    });
  }
  return { name: 'mmlu', weakModel: ROUTELLM_WEAK, strongModel: ROUTELLM_STRONG, prompts };
}

/** RouteLLM GSM8K: one CSV, all of it training data. */
export function loadGsm8k(root: string): PairDataset {
  const skip = contaminated(join(root, 'routellm', 'gsm8k', 'contaminated_prompts.jsonl'));
  const rows = parseCsv(readFileSync(join(root, 'routellm', 'gsm8k', 'gsm8k_responses.csv'), 'utf8'));
  const prompts = rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => !skip.has(row.prompt))
    .map(({ row, index }) => ({ id: `gsm8k#${index}`, text: row.prompt, messages: 1, weak: truth(row[ROUTELLM_WEAK]), strong: truth(row[ROUTELLM_STRONG]), part: GSM8K_PART }));
  return { name: 'gsm8k', weakModel: ROUTELLM_WEAK, strongModel: ROUTELLM_STRONG, prompts };
}

/**
 * RouteLLM MT-Bench: route on the first turn, score = mean judge score over both turns of the
 * routed model (RouteLLM's convention); questions with a contaminated turn are dropped.
 */
export function loadMtBench(root: string): PairDataset {
  const dir = join(root, 'routellm', 'mt_bench');
  const skip = contaminated(join(dir, 'contaminated_prompts.jsonl'));
  const scores = new Map<string, number[]>();
  for (const judgement of readJsonLines(join(dir, 'judgements.jsonl'))) {
    const score = Number(judgement.score);
    if (!(score >= 0)) continue; // -1 marks a judge parse failure
    const key = `${String(judgement.question_id)}|${String(judgement.model)}`;
    scores.set(key, [...(scores.get(key) ?? []), score]);
  }
  const meanOf = (key: string): number | undefined => {
    const values = scores.get(key);
    return values === undefined ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
  };
  const prompts: PairPrompt[] = [];
  for (const question of readJsonLines(join(dir, 'question.jsonl'))) {
    const turns = question.turns as string[];
    if (turns.some((turn) => skip.has(turn))) continue;
    const id = String(question.question_id);
    const weak = meanOf(`${id}|${ROUTELLM_WEAK}`);
    const strong = meanOf(`${id}|${ROUTELLM_STRONG}`);
    if (weak === undefined || strong === undefined) continue;
    prompts.push({ id: `mt-bench#${id}`, text: turns[0], messages: 1, weak, strong, part: MT_BENCH_PART });
  }
  return { name: 'mt-bench', weakModel: ROUTELLM_WEAK, strongModel: ROUTELLM_STRONG, prompts };
}

export const ALPACA_STRONG = 'gpt4_1106_preview';

/** AlpacaEval: quality = the judge's P(model beats gpt4_1106_preview); the reference scores 0.5. */
export function loadAlpaca(root: string, weakModel: string): PairDataset {
  const dir = join(root, 'alpacaeval-subset');
  const texts = new Map<number, string>();
  for (const record of readJsonLines(join(dir, 'instructions.jsonl'))) texts.set(Number(record.instruction_idx), String(record.instruction));
  const quality = new Map<string, number>();
  for (const row of parseCsv(readFileSync(join(dir, 'per_prompt_model_scores.csv'), 'utf8'))) {
    quality.set(`${row.instruction_idx}|${row.model}`, Number(row.win_prob_vs_gpt4_1106_preview));
  }
  const prompts: PairPrompt[] = [];
  for (const [index, text] of [...texts].sort((a, b) => a[0] - b[0])) {
    const weak = quality.get(`${index}|${weakModel}`);
    const strong = quality.get(`${index}|${ALPACA_STRONG}`);
    if (weak === undefined || strong === undefined) continue;
    prompts.push({ id: `alpaca#${index}`, text, messages: 1, weak, strong, part: alpacaPart(index) });
  }
  return { name: `alpaca-${weakModel}`, weakModel, strongModel: ALPACA_STRONG, prompts };
}

/** RouterBench stores prompts as a Python list literal, e.g. `['line one\nline two']`. */
export function decodePythonListPrompt(raw: string): string {
  const match = /^\[\s*(['"])([\s\S]*)\1\s*\]$/.exec(raw);
  if (match === null) return raw;
  return match[2].replace(/\\(n|t|'|"|\\)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped));
}

/** RouterBench subset: 11 models, quality 0/1 and USD cost per prompt; an empty score counts 0, as RouterBench does. */
export function loadRouterBench(root: string): MultiDataset {
  const rows = parseCsv(readFileSync(join(root, 'routerbench-subset', 'routerbench_0shot_subset.csv'), 'utf8'));
  const models = Object.keys(rows[0] ?? {})
    .filter((column) => column.endsWith('|total_cost'))
    .map((column) => column.slice(0, -'|total_cost'.length));
  const prompts = rows.map((row, index) => {
    const quality: Record<string, number> = {};
    const cost: Record<string, number> = {};
    for (const model of models) {
      quality[model] = row[model] === '' ? 0 : Number(row[model]);
      cost[model] = Number(row[`${model}|total_cost`]) || 0;
    }
    return { id: `${row.sample_id}#${index}`, task: row.eval_name, text: decodePythonListPrompt(row.prompt), part: routerBenchPart(row.eval_name), quality, cost };
  });
  return { models, prompts };
}

/**
 * AlpacaEval with every model's quality per prompt (for training the learned router), as a
 * many-model dataset without costs; a model missing on a prompt is left out of its record.
 */
export function loadAlpacaAll(root: string): MultiDataset {
  const dir = join(root, 'alpacaeval-subset');
  const texts = new Map<number, string>();
  for (const record of readJsonLines(join(dir, 'instructions.jsonl'))) texts.set(Number(record.instruction_idx), String(record.instruction));
  const quality = new Map<number, Record<string, number>>();
  const models = new Set<string>();
  for (const row of parseCsv(readFileSync(join(dir, 'per_prompt_model_scores.csv'), 'utf8'))) {
    const index = Number(row.instruction_idx);
    const record = quality.get(index) ?? {};
    record[row.model] = Number(row.win_prob_vs_gpt4_1106_preview);
    quality.set(index, record);
    models.add(row.model);
  }
  const prompts = [...texts]
    .sort((a, b) => a[0] - b[0])
    .filter(([index]) => quality.has(index))
    .map(([index, text]) => ({ id: `alpaca#${index}`, task: 'alpaca', text, part: alpacaPart(index), quality: quality.get(index) ?? {}, cost: {} }));
  return { models: [...models].sort(), prompts };
}
