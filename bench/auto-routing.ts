/**
 * `node --import tsx bench/auto-routing.ts`: what auto-routing adds to a request, per decision,
 * on prompts of several sizes: the whole strategy call (reading the prompt, complexity, the
 * learned model when a mode uses it, every candidate's estimate, the order and the reason) over
 * the demo's four deployments. Each decision starts from a fresh prompt, as a request does.
 * Median and p99 of 2,000 decisions after a warm-up.
 */
import { seededRandom } from '../src/resilience/random';
import { AutoLearning } from '../src/routing/auto/learning';
import type { QualityPredictor } from '../src/routing/auto/predictor';
import { AutoPrompt } from '../src/routing/auto/prompt';
import type { Deployment } from '../src/routing/catalog';
import { autoStrategy } from '../src/routing/strategies/auto';
import type { AutoMode } from '../src/routing/auto/types';
import { newRouteStrategyState, type Candidate, type StrategyContext } from '../src/routing/strategies';
import { loadPredictor } from './auto-routing-predictor';

const deployment = (id: string, input: number, output: number, quality: number): Candidate => {
  const value: Deployment = { id, provider: 'p', model: id, pricing: { inputPerMillion: input, outputPerMillion: output }, contextWindow: 1_000_000, capabilities: ['chat'], priority: 0, weight: 1, tags: {}, quality };
  return { deployment: value, provider: { id: 'p', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 1, connectTimeoutMs: 1, maxConnections: 1, headers: {} } };
};
const candidates = [deployment('gemini-2.0-flash', 0.1, 0.4, 0.7), deployment('gpt-4o-mini', 0.15, 0.6, 0.7), deployment('claude-3-5-haiku', 0.8, 4, 0.75), deployment('gpt-4o', 2.5, 10, 0.9)];

const words = 'route the request to the cheapest model that will answer it well enough and explain why'.split(' ');
const prose = (tokens: number) => Array.from({ length: tokens }, (_, index) => words[(index * 7) % words.length]).join(' ');
const prompts: Array<[string, string]> = [
  ['short question (8 tokens)', 'What is the capital of France?'],
  ['code task (~300 tokens)', `Write a TypeScript function that parses CSV, step by step, and must handle quotes. ${prose(280)}`],
  ['long document (~4,000 tokens)', `Summarise the following report and compare its conclusions. ${prose(4_000)}`],
];

const learning = new AutoLearning(() => 0);
const predictor: QualityPredictor | undefined = await loadPredictor();

function contextFor(text: string, mode: AutoMode, random: () => number): StrategyContext {
  const request = { estimatedInputTokens: Math.ceil(text.length / 4), maxOutputTokens: 256, prompt: new AutoPrompt({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] }) };
  return {
    health: () => { throw new Error('auto reads no health'); },
    request,
    options: { qualityFloor: 0.9, auto: { mode } },
    state: newRouteStrategyState(),
    random,
    now: 0,
    route: 'auto',
    auto: { ...(predictor ? { predictor } : {}), arm: (route, pattern, id) => learning.arm(route, pattern, id) },
  };
}

const modes: AutoMode[] = predictor ? ['complexity', 'hybrid'] : ['complexity'];
console.log(predictor ? `learned model: ${predictor.version}` : 'no learned model found: complexity mode only');
for (const mode of modes) {
  for (const [name, text] of prompts) {
    const random = seededRandom(1);
    for (let index = 0; index < 200; index += 1) autoStrategy(candidates, contextFor(text, mode, random));
    const times: number[] = [];
    for (let index = 0; index < 2_000; index += 1) {
      const context = contextFor(text, mode, random);
      const started = process.hrtime.bigint();
      autoStrategy(candidates, context);
      times.push(Number(process.hrtime.bigint() - started) / 1_000);
    }
    times.sort((a, b) => a - b);
    const at = (share: number) => times[Math.min(times.length - 1, Math.floor(share * times.length))]!;
    console.log(`${mode.padEnd(11)} ${name.padEnd(32)} p50 ${at(0.5).toFixed(1).padStart(7)} µs   p99 ${at(0.99).toFixed(1).padStart(7)} µs`);
  }
}
