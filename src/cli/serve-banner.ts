/**
 * What `junction serve` prints once it listens: where, the routes, and a curl line to try. With
 * keys switched on (auth.mode: keys) the curl line carries a key, since it would be refused
 * without one, and says where keys come from.
 */
import { hasAnyLimit } from '../access/access-control';
import type { JunctionConfig } from '../config';
import { workerLedgerPath } from './worker-ledger-path';

export interface BannerSettings {
  config: JunctionConfig;
  file: string;
  url: string;
  simulatorUrl?: string;
  /** Worker processes, under --workers. */
  workers?: number;
}

export function bannerLines({ config, file, url, simulatorUrl, workers }: BannerSettings): string[] {
  const lines: string[] = [];
  const routes = [...config.catalog.routes.values()];
  const example = routes.find((route) => !route.deployments.some((id) => config.catalog.deployments.get(id)?.capabilities.some((capability) => capability === 'embeddings' || capability === 'speech'))) ?? routes[0];
  lines.push(`Junction listening on ${url}${workers ? ` (${workers} worker processes)` : ''}`);
  if (simulatorUrl) lines.push(`Simulated upstreams on ${simulatorUrl}`);
  lines.push(`Config: ${file}`);
  if (workers && config.ledger.kind === 'sqlite') {
    lines.push(`Ledger: one SQLite file per worker, ${workerLedgerPath(config.ledger.path, 1)} … ${workerLedgerPath(config.ledger.path, workers)}`);
  }
  if (workers && config.state.kind === 'memory' && (config.auth.mode === 'keys' || hasAnyLimit(config.limits))) {
    lines.push(`Warning: with state: memory each worker counts rate limits and budgets on its own (up to ${workers}× each limit); set state: redis to count them once`);
  }
  lines.push('Routes:');
  for (const route of routes) {
    const tiers = route.tiers.map((tier) => (tier.name === 'primary' ? '' : `${tier.name}: `) + tier.deployments.join(', ')).join(' | ');
    lines.push(`  ${route.name.padEnd(28)} → ${tiers}  (${route.strategy})`);
  }
  const body = `'{"model":"${example.name}","messages":[{"role":"user","content":"Hello"}]}'`;
  if (config.auth.mode === 'keys') {
    lines.push(`Keys: required (auth.mode: keys). Make one with 'junction keys create --name me' (admin key in ${config.auth.adminKeyEnv}), set KEY to it, then:`);
    lines.push(`  curl ${url}/v1/chat/completions -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d ${body}`);
  } else {
    lines.push('Try:');
    lines.push(`  curl ${url}/v1/chat/completions -H 'content-type: application/json' -d ${body}`);
  }
  return lines;
}
