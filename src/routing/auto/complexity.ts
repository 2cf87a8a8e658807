import { countTokens } from '../../tokens/token-count';

/**
 * The complexity scorer: a pure, explainable estimate of how hard a prompt is, from the prompt's
 * own text. No training, no I/O, no clock, no randomness: the same input always gives the same
 * answer, so a decision can be replayed and explained. Counting tokens dominates its cost; the
 * rest is a handful of regular expressions over text capped at `SCAN_CHARS`; long prompts are
 * counted exactly only in part (`COUNT_CHARS`), so a decision costs about the same at any size.
 *
 * The weights were set by hand and checked only on the training part of the routing evaluation
 * data (see `eval/routing/split.ts`); never on the held-out part.
 */

/** What kind of task the prompt looks like; decides nothing alone, but explains and buckets. */
export type PromptPattern =
  | 'code'
  | 'math'
  | 'analysis'
  | 'creative'
  | 'extraction'
  | 'simple_question'
  | 'chat';

/** The raw signals the score is built from, kept so a decision can show its working. */
export interface ComplexityFeatures {
  tokens: number;
  messages: number;
  codeMarkers: number;
  mathMarkers: number;
  questionWords: number;
  constraints: number;
  multiStepMarkers: number;
  analysisMarkers: number;
  creativeMarkers: number;
  extractionMarkers: number;
  /** Lines that start like a list item or an option ("A.", "1)", "- "). */
  listLines: number;
}

export interface ComplexityResult {
  /** In [0, 1]; higher means the prompt more likely needs a stronger model. */
  score: number;
  pattern: PromptPattern;
  /** One line, for headers, the ledger and the decision preview. */
  reason: string;
  features: ComplexityFeatures;
}

export interface ComplexityInput {
  /** The prompt text; for a conversation, its user turns joined. */
  text: string;
  /** Messages in the conversation, 1 for a single prompt. */
  messages?: number;
}

/**
 * Text past this many characters is counted for length but not scanned for markers: the
 * markers of a huge prompt add nothing its length has not already said, and scanning is linear.
 */
export const SCAN_CHARS = 6_000;

/**
 * Tokens are counted exactly in the first this many characters and extrapolated, by the same
 * tokens-per-character, over the rest. Length enters the score on a log scale, where the
 * difference between a count and a close estimate of a long prompt is lost, while counting
 * exactly is linear: 16 k characters took ~0.5 ms, which auto-routing must not add to a request.
 */
export const COUNT_CHARS = 6_000;

/** The prompt's tokens: exact up to `COUNT_CHARS`, extrapolated beyond. */
export function promptTokens(text: string): number {
  if (text.length <= COUNT_CHARS) return countTokens(text).tokens;
  const counted = countTokens(text.slice(0, COUNT_CHARS)).tokens;
  return Math.round((counted * text.length) / COUNT_CHARS);
}

const CODE = /```|\b(def|function|class|return|import|const|let|var|println|printf|lambda|async|await)\b|=>|==|!=|\{\s*$|;\s*$|\b(python|javascript|typescript|java|c\+\+|rust|golang|sql|regex|bash|html|css|api|compile|debug|algorithm)\b/gim;
const MATH = /\d+\s*[-+*/^=<>×÷]\s*\d+|\b(calculate|compute|solve|equation|integral|derivative|probability|percent(age)?|sum|product|ratio|average|how many|how much|prove|theorem|matrix|polynomial|modulo|factor)\b|[=∑∫√π]/gi;
const QUESTION = /\b(what|why|how|which|who|when|where|explain|describe)\b|\?/gi;
const CONSTRAINT = /\b(must|should|exactly|at least|at most|no more than|only|without|do not|don't|format|limit|ensure|make sure|include|avoid|words?|sentences?|paragraphs?)\b/gi;
const MULTI_STEP = /\b(step[- ]by[- ]step|first|then|next|finally|after that|afterwards|steps?|and then|followed by)\b/gi;
const ANALYSIS = /\b(analy[sz]e|analysis|compare|contrast|evaluate|assess|critique|trade-?offs?|pros and cons|implications?|reason(ing)?|justify|argue|why)\b/gi;
const CREATIVE = /\b(write|compose|story|poem|essay|song|lyrics|imagine|fiction|creative|blog post|script|slogan|haiku|character)\b/gi;
const EXTRACTION = /\b(extract|summari[sz]e|summary|list all|classify|categori[sz]e|translate|rewrite|paraphrase|convert|identify|tag|label|parse)\b/gi;
const LIST_LINE = /^\s*(?:[A-Ha-h][.)]|\(?[A-Ha-h]\)|\d+[.)]|[-*•])\s+/gm;

function count(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let found = 0;
  while (pattern.exec(text) !== null) found += 1;
  return found;
}

/** 0 at none, approaching 1 as `value` grows past `half` (where it is 0.5). */
function saturate(value: number, half: number): number {
  return value <= 0 ? 0 : value / (value + half);
}

/** Extract the features of a prompt. Pure. */
export function complexityFeatures(input: ComplexityInput): ComplexityFeatures {
  const text = input.text;
  const scanned = text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text;
  return {
    tokens: promptTokens(text),
    messages: Math.max(1, input.messages ?? 1),
    codeMarkers: count(CODE, scanned),
    mathMarkers: count(MATH, scanned),
    questionWords: count(QUESTION, scanned),
    constraints: count(CONSTRAINT, scanned),
    multiStepMarkers: count(MULTI_STEP, scanned),
    analysisMarkers: count(ANALYSIS, scanned),
    creativeMarkers: count(CREATIVE, scanned),
    extractionMarkers: count(EXTRACTION, scanned),
    listLines: count(LIST_LINE, scanned),
  };
}

/** The pattern: the strongest signal, with short plain questions and bare chat as the fallbacks. */
export function classifyPattern(features: ComplexityFeatures): PromptPattern {
  const candidates: Array<[PromptPattern, number]> = [
    ['code', features.codeMarkers * 1.2],
    ['math', features.mathMarkers],
    ['analysis', features.analysisMarkers * 1.1],
    ['creative', features.creativeMarkers],
    ['extraction', features.extractionMarkers],
  ];
  let best: [PromptPattern, number] = ['chat', 0];
  for (const candidate of candidates) if (candidate[1] > best[1]) best = candidate;
  // One stray marker in a long text is noise; ask for two unless the prompt is short.
  const needed = features.tokens > 60 ? 2 : 1;
  if (best[1] >= needed) return best[0];
  if (features.questionWords > 0 && features.tokens <= 40) return 'simple_question';
  return 'chat';
}

/** Score a prompt. Pure and deterministic. */
export function scoreComplexity(input: ComplexityInput): ComplexityResult {
  const features = complexityFeatures(input);
  const pattern = classifyPattern(features);
  // Length is the strongest single signal on the training data (MMLU subjects before `mmlu_n`,
  // GSM8K); log-scaled so that 50 → 500 tokens matters about as much as 500 → 5,000. The
  // markers only break ties between prompts of similar length: weighted more, they made the
  // training APGR worse (math markers, for one, are anti-correlated with GPT-4's advantage on
  // MMLU), so the pattern names the kind of task but does not move the score on its own.
  const length = Math.min(1, Math.log2(1 + features.tokens) / Math.log2(1 + 4000));
  const parts = {
    length: 0.7 * length,
    steps: 0.07 * saturate(features.multiStepMarkers, 2),
    code: 0.05 * saturate(features.codeMarkers, 3),
    questions: 0.03 * saturate(features.questionWords, 2),
    constraints: 0.03 * saturate(features.constraints, 3),
    analysis: 0.03 * saturate(features.analysisMarkers, 2),
    turns: 0.09 * saturate(features.messages - 1, 2),
  };
  const raw = Object.values(parts).reduce((sum, part) => sum + part, 0);
  const score = Math.round(Math.min(1, Math.max(0, raw)) * 1e4) / 1e4;
  return { score, pattern, reason: explain(score, pattern, features, parts), features };
}

function explain(score: number, pattern: PromptPattern, features: ComplexityFeatures, parts: Record<string, number>): string {
  const top = Object.entries(parts)
    .filter(([, value]) => value > 0.01)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([name]) => name);
  const level = score >= 0.6 ? 'high' : score >= 0.35 ? 'medium' : 'low';
  return `${level} complexity ${score.toFixed(2)} (${pattern}, ${features.tokens} tokens${top.length > 0 ? `; driven by ${top.join(', ')}` : ''})`;
}
