/**
 * Junction in this process, configured in code, on loopback, with an in-memory ledger and no
 * logs: what the chaos figures need and nothing that would write to disk.
 */
import { startJunction, type Junction } from '../../src/app';
import { configFromObject } from '../../src/config';
import { createMemoryLedger } from '../../src/ledger';
import { createLogger } from '../../src/observability/logger';

export interface BenchCatalog {
  providers: Record<string, unknown>;
  deployments: Record<string, unknown>;
  routes: Record<string, unknown>;
}

export function startBenchJunction(catalog: BenchCatalog): Promise<Junction> {
  const config = configFromObject({
    server: { host: '127.0.0.1', port: 0 },
    logging: { level: 'silent' },
    ledger: { kind: 'none' },
    ...catalog,
  });
  return startJunction(config, { port: 0, ledger: createMemoryLedger(), logger: createLogger('silent') });
}

/** An OpenAI-format deployment of `model` on `provider`, priced like a small hosted model. */
export function benchDeployment(provider: string, model: string): Record<string, unknown> {
  return { provider, model, pricing: { input: 0.15, output: 0.6 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] };
}
