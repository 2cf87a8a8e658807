/**
 * Checks that span sections and so cannot live in one field's schema: references between
 * providers, deployments and routes, and combinations that no adapter can serve.
 */
import { formatPath } from './config-path';
import type { ConfigPath, PathIssue } from './config-path';
import type { RawConfig, RawDeployment } from './schema';
import { checkSpeech } from './speech-check';
import { didYouMean } from './suggest';

/** Formatted paths of values taken from the environment: quoted by their template, never by value. */
type Interpolated = ReadonlyMap<string, string>;

export function crossCheck(config: RawConfig, interpolated: Interpolated = new Map()): PathIssue[] {
  return [...checkProviders(config), ...checkDeployments(config, interpolated), ...checkRoutes(config, interpolated), ...checkAccess(config), ...checkOptimizer(config), ...checkSpeech(config), ...checkBatch(config)];
}

/** The batch scheduler's capacities name deployments. */
function checkBatch(config: RawConfig): PathIssue[] {
  const known = Object.keys(config.deployments);
  return Object.keys(config.batch.capacityRpm)
    .filter((name) => own(config.deployments, name) === undefined)
    .map((name) => ({ path: ['batch', 'capacityRpm', name], message: `unknown deployment "${name}"${didYouMean(name, known) || `; defined: ${listOrNone(known)}`}` }));
}

/** The optimiser's route, when named, and its baseline must exist; the baseline must answer chat. */
function checkOptimizer(config: RawConfig): PathIssue[] {
  const issues: PathIssue[] = [];
  const { route, baseline } = config.optimizer;
  if (route !== undefined && own(config.routes, route) === undefined) {
    const known = Object.keys(config.routes);
    issues.push({ path: ['optimizer', 'route'], message: `unknown route "${route}"${didYouMean(route, known) || `; defined: ${listOrNone(known)}`}` });
  }
  if (baseline !== undefined) {
    const deployment = own(config.deployments, baseline);
    const known = Object.keys(config.deployments);
    if (deployment === undefined) {
      issues.push({ path: ['optimizer', 'baseline'], message: `unknown deployment "${baseline}"${didYouMean(baseline, known) || `; defined: ${listOrNone(known)}`}` });
    } else if (!deployment.capabilities.includes('chat')) {
      issues.push({ path: ['optimizer', 'baseline'], message: `expected a chat deployment: "${baseline}" does not answer chat, so it is no baseline for prompts` });
    }
  }
  return issues;
}

/** Names in the access sections (keys' teams and routes, downgrade targets, provider budgets) must exist. */
function checkAccess(config: RawConfig): PathIssue[] {
  const issues: PathIssue[] = [];
  const routeNames = Object.keys(config.routes);
  const teamIds = Object.keys(config.auth.teams);
  const unknown = (path: ConfigPath, what: string, name: string, known: string[]) =>
    issues.push({ path, message: `unknown ${what} "${name}"${didYouMean(name, known) || `; defined: ${listOrNone(known)}`}` });
  const seen = new Set<string>();
  config.auth.keys.forEach((key, index) => {
    if (seen.has(key.id)) issues.push({ path: ['auth', 'keys', index, 'id'], message: `expected a unique id; "${key.id}" is declared twice` });
    seen.add(key.id);
    if (key.team !== undefined && own(config.auth.teams, key.team) === undefined) unknown(['auth', 'keys', index, 'team'], 'team', key.team, teamIds);
    key.routes.forEach((route, at) => {
      if (route !== '*' && own(config.routes, route) === undefined) unknown(['auth', 'keys', index, 'routes', at], 'route', route, routeNames);
    });
  });
  for (const [name, route] of Object.entries(config.routes)) {
    if (route.downgradeTo === undefined) continue;
    if (route.downgradeTo === name) issues.push({ path: ['routes', name, 'downgradeTo'], message: 'expected another route: a route cannot downgrade to itself' });
    else if (own(config.routes, route.downgradeTo) === undefined) unknown(['routes', name, 'downgradeTo'], 'route', route.downgradeTo, routeNames);
  }
  for (const [name, route] of Object.entries(config.routes)) {
    const embeddingRoute = route.cache?.semantic?.embeddingRoute;
    if (embeddingRoute === undefined) continue;
    const target = own(config.routes, embeddingRoute);
    if (target === undefined) unknown(['routes', name, 'cache', 'semantic', 'embeddingRoute'], 'route', embeddingRoute, routeNames);
    else if (!target.deployments.some((id) => own(config.deployments, id)?.capabilities.includes('embeddings'))) {
      issues.push({ path: ['routes', name, 'cache', 'semantic', 'embeddingRoute'], message: `expected a route of embeddings deployments; "${embeddingRoute}" has none` });
    }
  }
  for (const id of Object.keys(config.limits.providers)) {
    if (own(config.providers, id) === undefined) unknown(['limits', 'providers', id], 'provider', id, Object.keys(config.providers));
  }
  return issues;
}

function checkProviders(config: RawConfig): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [id, provider] of Object.entries(config.providers)) {
    if (provider.preset !== undefined && provider.kind !== 'openai-compatible') {
      issues.push({
        path: ['providers', id, 'preset'],
        message: `expected no preset: presets apply only to kind openai-compatible, got kind "${provider.kind}"`,
      });
    }
    // Every other kind has a well-known public endpoint; a compatible server can be anywhere.
    if (provider.kind === 'openai-compatible' && provider.baseUrl === undefined) {
      issues.push({
        path: ['providers', id, 'baseUrl'],
        message: 'missing required key; kind openai-compatible needs a baseUrl such as http://localhost:8000/v1',
      });
    }
  }
  return issues;
}

function checkDeployments(config: RawConfig, interpolated: Interpolated): PathIssue[] {
  const issues: PathIssue[] = [];
  const providerIds = Object.keys(config.providers);
  for (const [id, deployment] of Object.entries(config.deployments)) {
    const provider = own(config.providers, deployment.provider);
    if (provider === undefined) {
      const path = ['deployments', id, 'provider'];
      issues.push({
        path,
        message: `unknown provider ${quote(path, deployment.provider, interpolated)}${didYouMean(deployment.provider, providerIds) || `; defined providers: ${listOrNone(providerIds)}`}`,
      });
      continue;
    }
    const embeddingsAt = deployment.capabilities.indexOf('embeddings');
    if (provider.kind === 'anthropic' && embeddingsAt >= 0) {
      issues.push({
        path: ['deployments', id, 'capabilities', embeddingsAt],
        message: `Anthropic has no embeddings API, so provider "${deployment.provider}" (kind anthropic) cannot host an embeddings deployment`,
      });
    }
  }
  return issues;
}

function checkRoutes(config: RawConfig, interpolated: Interpolated): PathIssue[] {
  const issues: PathIssue[] = [];
  const deploymentIds = Object.keys(config.deployments);
  if (Object.keys(config.routes).length === 0) {
    issues.push({ path: ['routes'], message: 'expected at least one route, got none' });
  }
  for (const [name, route] of Object.entries(config.routes)) {
    // A deployment appears once across all of a route's tiers: the tier order is the fallback order.
    const firstSeen = new Map<string, string>();
    const tiers: Array<[string, ConfigPath, string[] | undefined]> = [
      ['deployments', ['routes', name, 'deployments'], route.deployments],
      ['secondary', ['routes', name, 'secondary'], route.secondary],
      ['emergency.deployments', ['routes', name, 'emergency', 'deployments'], route.emergency?.deployments],
      ['local', ['routes', name, 'local'], route.local],
    ];
    for (const [label, base, ids] of tiers) {
      ids?.forEach((id, index) => {
        const path = [...base, index];
        const earlier = firstSeen.get(id);
        if (earlier !== undefined) {
          issues.push({ path, message: `deployment ${quote(path, id, interpolated)} is listed twice (first at ${earlier})` });
          return;
        }
        firstSeen.set(id, `${label}[${index}]`);
        if (own(config.deployments, id) === undefined) {
          issues.push({
            path,
            message: `unknown deployment ${quote(path, id, interpolated)}${didYouMean(id, deploymentIds) || `; defined deployments: ${listOrNone(deploymentIds)}`}`,
          });
        }
      });
    }
    const mixIssue = checkServesOneKind(name, [...firstSeen.keys()], config.deployments);
    if (mixIssue) issues.push(mixIssue);
  }
  return issues;
}

/** A route answers either chat or embeddings requests; one route name cannot mean both. */
function checkServesOneKind(name: string, ids: string[], deployments: Record<string, RawDeployment>): PathIssue | undefined {
  const chat: string[] = [];
  const embeddingsOnly: string[] = [];
  for (const id of new Set(ids)) {
    const capabilities = own(deployments, id)?.capabilities;
    if (capabilities === undefined) continue;
    if (capabilities.includes('chat')) chat.push(id);
    else if (capabilities.includes('embeddings')) embeddingsOnly.push(id);
  }
  if (chat.length === 0 || embeddingsOnly.length === 0) return undefined;
  return {
    path: ['routes', name, 'deployments'],
    message:
      `expected deployments of one kind, got embeddings-only deployments (${embeddingsOnly.join(', ')}) ` +
      `mixed with chat deployments (${chat.join(', ')}); split them into separate routes`,
  };
}

/** Look up a user-written name without stumbling on inherited keys like `constructor`. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function quote(path: ConfigPath, value: string, interpolated: Interpolated): string {
  const template = interpolated.get(formatPath(path));
  return template === undefined ? JSON.stringify(value) : `the value of ${JSON.stringify(template)}`;
}

function listOrNone(ids: string[]): string {
  return ids.length === 0 ? '(none)' : ids.join(', ');
}
