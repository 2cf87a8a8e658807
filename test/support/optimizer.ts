/**
 * The cost-optimiser API's test setup: an `auto` route over three deployments of its own (a weak
 * cheap one, a middling one, a strong dear one, so breakers and health are theirs alone), priced
 * against the strong one, and small helpers to call the API over real HTTP.
 */
import { startHarness, type Harness, type HarnessOptions } from './harness';

export const AUTO_PRICES = {
  'auto-cheap': { input: 0.1, output: 0.4 },
  'auto-mid': { input: 0.15, output: 0.6 },
  'auto-strong': { input: 2.5, output: 10 },
};

const chat = ['chat', 'tools', 'vision', 'json', 'streaming'];

export function optimizerHarness(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({
    ...options,
    deployments: {
      'auto-cheap': { provider: 'sim-gemini', model: 'gemini-flash', pricing: AUTO_PRICES['auto-cheap'], contextWindow: 1_000_000, capabilities: chat, quality: 0.55 },
      'auto-mid': { provider: 'sim-openai', model: 'gpt-4o-mini', pricing: AUTO_PRICES['auto-mid'], contextWindow: 128_000, capabilities: chat, quality: 0.7 },
      'auto-strong': { provider: 'sim-openai', model: 'gpt-4o', pricing: AUTO_PRICES['auto-strong'], contextWindow: 128_000, capabilities: chat, quality: 0.95 },
      ...options.deployments,
    },
    routes: {
      auto: { strategy: 'auto', strategyOptions: { qualityFloor: 0.8, auto: { mode: 'hybrid' } }, deployments: ['auto-cheap', 'auto-mid', 'auto-strong'] },
      ...options.routes,
    },
    optimizer: options.optimizer ?? { route: 'auto', baseline: 'auto-strong' },
  });
}

/** Models the auto route's deployments call on the simulator. */
export const AUTO_MODELS = ['gemini-flash', 'gpt-4o-mini', 'gpt-4o'];

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** `YYYY-MM-DD` of a timestamp in UTC (the test config's time zone). */
export const utcDay = (timestamp: number) => new Date(timestamp).toISOString().slice(0, 10);
