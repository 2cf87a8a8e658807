/**
 * The MCP tools: each a name, a description, an argument schema (zod, published to clients as
 * JSON Schema), the scope it needs, and a handler over the operations layer (the same calls
 * the HTTP endpoints make; MCP is another door, not another implementation).
 */
import { z } from 'zod';
import type { Scope } from '../access/types';
import { JunctionError } from '../errors';
import type { ChatRequest, ChatResponse } from '../canonical/types';
import type { Outcome } from '../gateway/account';
import type { RoutingChange } from '../gateway/configure-routing';
import type { RoutingHints } from '../gateway/routing-hints';
import { decodeOpenAIChat } from '../http/ingress/openai/decode-openai-chat';
import type { SpendQuery } from '../ledger/reports';
import type { Operations } from '../operations';
import { SPEND_DIMENSIONS } from '../ledger/reports';
import { STRATEGY_NAMES } from '../routing/strategies/types';

export interface McpDeps {
  chat(request: ChatRequest, context: { hints?: RoutingHints }): Promise<{ response: ChatResponse; outcome: Outcome }>;
  operations: Operations;
  /** The spend report, when the ledger keeps one. */
  spend?: (query: SpendQuery) => Promise<unknown>;
  /** Applies a routing change like a reload (validated, swapped atomically, audited by `actor`). */
  configure?: (change: RoutingChange, actor: string) => Promise<unknown>;
  /** Checks the caller may use a tool needing `scope` (null: any valid caller); returns who it is, for the audit. */
  authorize(scope: Scope | null): Promise<string>;
}

export interface ToolDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  scope: Scope | null;
  input: Schema;
  run(deps: McpDeps, args: z.output<Schema>, actor: string): Promise<{ text: string; data: Record<string, unknown> }>;
}

const message = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(1_000_000) });

const routeRequest: ToolDefinition = {
  name: 'route_request',
  description:
    'Send a chat request through Junction’s normal routing (health, breakers, retries, fallback, limits, budgets) and return the answer with the routing decision. Optional strategy and constraints steer routing where the route allows it.',
  scope: 'chat',
  input: z.strictObject({
    model: z.string().min(1).describe('A route name (list_routes shows them), e.g. "auto"'),
    messages: z.array(message).min(1),
    max_tokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    strategy: z.enum(STRATEGY_NAMES).optional().describe('Override the route’s strategy for this request'),
    constraints: z
      .strictObject({
        pin: z.array(z.string()).optional().describe('Only these deployments, in this order'),
        exclude: z.array(z.string()).optional(),
        region: z.string().optional(),
        quality_floor: z.number().min(0).max(1).optional().describe('auto routes: the predicted quality to reach'),
        max_cost_usd: z.number().min(0).optional().describe('auto routes: the most this request may cost'),
      })
      .optional(),
  }),
  async run(deps, args: RouteRequestArgs) {
    const { request } = decodeOpenAIChat({ model: args.model, messages: args.messages, ...(args.max_tokens ? { max_tokens: args.max_tokens } : {}), ...(args.temperature === undefined ? {} : { temperature: args.temperature }) });
    const hints = hintsOf(args);
    const { response, outcome } = await deps.chat(request, hints ? { hints } : {});
    const data = {
      text: response.text,
      route: outcome.route,
      deployment: outcome.deployment ?? null,
      strategy: outcome.strategy ?? null,
      attempts: outcome.attempts,
      fallbackTier: outcome.tier ?? 'primary',
      costUsd: outcome.costUsd ?? 0,
      inputTokens: outcome.inputTokens ?? 0,
      outputTokens: outcome.outputTokens ?? 0,
      finishReason: response.finishReason.unified,
    };
    return { text: response.text, data };
  },
};

type RouteRequestArgs = {
  model: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  max_tokens?: number | undefined;
  temperature?: number | undefined;
  strategy?: (typeof STRATEGY_NAMES)[number] | undefined;
  constraints?: { pin?: string[] | undefined; exclude?: string[] | undefined; region?: string | undefined; quality_floor?: number | undefined; max_cost_usd?: number | undefined } | undefined;
};

function hintsOf(args: RouteRequestArgs): RoutingHints | undefined {
  const hints: RoutingHints = {};
  if (args.strategy) hints.strategy = args.strategy;
  const constraints = args.constraints;
  if (constraints?.pin?.length) hints.pin = constraints.pin;
  if (constraints?.exclude?.length) hints.exclude = constraints.exclude;
  if (constraints?.region) hints.region = constraints.region;
  if (constraints?.quality_floor !== undefined) hints.qualityFloor = String(constraints.quality_floor);
  if (constraints?.max_cost_usd !== undefined) hints.maxCostUsd = String(constraints.max_cost_usd);
  return Object.keys(hints).length > 0 ? hints : undefined;
}

const getProviderStatus: ToolDefinition = {
  name: 'get_provider_status',
  description: 'Health and circuit-breaker state of one deployment or all: breaker, success rate, in flight; with include_metrics, latency, TTFT and this minute’s usage too.',
  scope: 'routing:read',
  input: z.strictObject({ deployment: z.string().min(1).optional(), include_metrics: z.boolean().default(false) }),
  async run(deps, args: { deployment?: string | undefined; include_metrics: boolean }) {
    const statuses = deps.operations.status(args.deployment);
    if (args.deployment !== undefined && statuses.length === 0) throw new JunctionError('invalid_request', `no deployment ${args.deployment}`, { param: 'deployment' });
    const rows = statuses.map((status) =>
      args.include_metrics
        ? status
        : { deployment: status.deployment, provider: status.provider, model: status.model, breaker: status.breaker.status, successRate: status.successRate, inFlight: status.inFlight, misconfigured: status.misconfigured },
    );
    const summary = statuses.map((status) => `${status.deployment}: breaker ${status.breaker.status}`).join(', ');
    return { text: summary, data: { deployments: rows } };
  },
};

const listRoutes: ToolDefinition = {
  name: 'list_routes',
  description: 'Every route (the model names callers use) with its strategy and its tiers of deployments.',
  scope: 'routing:read',
  input: z.strictObject({}),
  async run(deps) {
    const routes = deps.operations.routes();
    return { text: routes.map((route) => `${route.name} (${route.strategy})`).join(', '), data: { routes } };
  },
};

const getSpend: ToolDefinition = {
  name: 'get_spend',
  description: 'Spend from the ledger: USD, requests and tokens, grouped by key, team, route, deployment, model or day, between two days (YYYY-MM-DD, inclusive).',
  scope: 'admin',
  input: z.strictObject({
    group_by: z.array(z.enum(SPEND_DIMENSIONS)).default([]),
    since: z.string().optional(),
    until: z.string().optional(),
    limit: z.number().int().min(1).max(1_000).optional(),
  }),
  async run(deps, args: { group_by: SpendQuery['groupBy']; since?: string | undefined; until?: string | undefined; limit?: number | undefined }) {
    if (deps.spend === undefined) throw new JunctionError('endpoint_not_found', 'This gateway keeps no ledger, so it has no spend to report.');
    const report = await deps.spend({ groupBy: args.group_by, ...(args.since ? { since: args.since } : {}), ...(args.until ? { until: args.until } : {}), ...(args.limit ? { limit: args.limit } : {}) });
    return { text: JSON.stringify(report), data: { report } };
  },
};

const configureRouting: ToolDefinition = {
  name: 'configure_routing',
  description:
    'Change one route’s routing: its default strategy, its deployments in order of preference (priorities) and its fallback chain (secondary tier). Validated like the config file and applied like a hot reload (in-flight requests finish on the old config); audited.',
  scope: 'admin',
  input: z.strictObject({
    route: z.string().min(1),
    strategy: z.enum(STRATEGY_NAMES).optional(),
    deployments: z.array(z.string().min(1)).min(1).optional(),
    secondary: z.array(z.string().min(1)).optional(),
  }),
  async run(deps, args: RoutingChange, actor) {
    if (deps.configure === undefined) throw new JunctionError('endpoint_not_found', 'This gateway cannot change its routing at run time.');
    const result = await deps.configure(args, actor);
    return { text: `route ${args.route} updated`, data: { result } };
  },
};

export const TOOLS: ToolDefinition[] = [routeRequest, configureRouting, getProviderStatus, listRoutes, getSpend];
