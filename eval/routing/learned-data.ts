import { fnv1a } from '../../src/routing/auto/learned/features';
import type { MultiDataset, PairDataset } from './load';

/**
 * The learned router's training examples: every training-part prompt of every dataset, with
 * each recorded model's quality on it. Held-out prompts are dropped here, in one place, so no
 * caller can train on them by accident.
 */

/**
 * One model under its several recorded names. The datasets name the same model differently
 * (RouterBench's "mixtral-8x7b-chat" is RouteLLM's Mixtral-8x7B-Instruct; AlpacaEval writes
 * "gpt4_1106_preview"); merging them lets chat data inform the chat benchmark and vice versa.
 * AlpacaEval's "_concise" Mixtral is the same weights with a shorter-answer prompt.
 */
export const MODEL_ALIASES: Record<string, string[]> = {
  'gpt-4-1106-preview': ['gpt4_1106_preview', 'gpt-4-turbo-1106'],
  'mistralai/Mixtral-8x7B-Instruct-v0.1': ['mistralai/mixtral-8x7b-chat', 'Mixtral-8x7B-Instruct-v0.1_concise', 'mixtral-8x7b-instruct', 'mixtral-8x7b'],
  'claude-v2': ['claude-2'],
  'claude-instant-v1': ['claude-instant-1.2'],
};

const canonical = new Map<string, string>();
for (const [name, aliases] of Object.entries(MODEL_ALIASES)) for (const alias of [name, ...aliases]) canonical.set(alias.toLowerCase(), name);

export function canonicalModel(name: string): string {
  return canonical.get(name.toLowerCase()) ?? name;
}

export interface TrainingExample {
  id: string;
  /** Dataset name: for per-source figures. */
  source: string;
  /** Cross-validation group: an MMLU subject, or the prompt itself. */
  group: string;
  text: string;
  messages: number;
  /** Canonical model name → quality in [0, 1]. */
  quality: Record<string, number>;
}

export const FOLDS = 5;

export function fromPairs(dataset: PairDataset): TrainingExample[] {
  return dataset.prompts
    .filter((prompt) => prompt.part === 'train')
    .map((prompt) => ({
      id: prompt.id,
      source: dataset.name,
      // MMLU held-out prompts are other subjects, so cross-validation holds out whole subjects too.
      group: dataset.name === 'mmlu' ? prompt.id.split('#')[0] : prompt.id,
      text: prompt.text,
      messages: prompt.messages,
      quality: { [canonicalModel(dataset.weakModel)]: prompt.weak, [canonicalModel(dataset.strongModel)]: prompt.strong },
    }));
}

/**
 * `skip` leaves out models whose recorded quality is not a measurement: AlpacaEval's reference,
 * gpt4_1106_preview, scores 0.5 on every prompt by construction (it is what the others are
 * judged against), and as labels those rows would teach that GPT-4 is a coin toss on chat.
 */
export function fromMulti(dataset: MultiDataset, source: string, skip: readonly string[] = []): TrainingExample[] {
  return dataset.prompts
    .filter((prompt) => prompt.part === 'train')
    .map((prompt) => ({
      id: `${source}:${prompt.id}`,
      source: source === 'routerbench' ? `routerbench-${prompt.task}` : source,
      group: `${source}:${prompt.id}`,
      text: prompt.text,
      messages: 1,
      quality: Object.fromEntries(Object.entries(prompt.quality).filter(([model]) => !skip.includes(model)).map(([model, value]) => [canonicalModel(model), value])),
    }));
}

/**
 * Fold of each example: MMLU subjects dealt round-robin in name order, other prompts by a
 * hash of their id. Fixed, so the cross-validation is the same on every run.
 */
export function foldsOf(examples: readonly TrainingExample[]): number[] {
  const subjects = [...new Set(examples.filter((example) => example.source === 'mmlu').map((example) => example.group))].sort();
  const subjectFold = new Map(subjects.map((subject, index) => [subject, index % FOLDS]));
  return examples.map((example) => subjectFold.get(example.group) ?? fnv1a(example.group) % FOLDS);
}
