/**
 * The admin API under /admin: keys, teams, the audit log, spend and current usage. Every
 * request is authorised first (before its body is read); the actor `authorize` names goes into
 * the audit entry of each change. The work is the admin operations'; this file decodes and
 * answers, with errors in the OpenAI shape as on Junction's other non-Anthropic paths.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JunctionError } from '../errors';
import type { AdminOperations, KeyInput, KeyUpdate, SpendDimension, TeamInput, TeamUpdate } from '../operations/admin';
import { booleanParam, integerParam, listParam, onlyParams, textParam, type Query } from './admin/admin-query';
import { decodeKeyBody, encodeAuditEntry, encodeCreatedKey, encodeKey, encodeRotatedKey, encodeTeam, encodeUsage, list, parseInstant } from './admin/admin-wire';
import { fromFrameworkError } from './http-errors';
import { openaiIngress } from './ingress/formats';
import { sendError } from './respond';

export interface AdminApiOptions {
  admin: AdminOperations;
  /**
   * Who is calling, for the audit log (`admin`, `key:<id>`); throws a JunctionError (401, 403)
   * to refuse the request.
   */
  authorize: (request: FastifyRequest) => string | Promise<string>;
  /** Reloads the config from its file (as SIGHUP does), audited as `actor`. */
  reload?: (actor: string) => Promise<unknown>;
  cache?: AdminCache;
}

/** The response cache, for operators: its figures, and forgetting every answer (audited as `actor`). */
export interface AdminCache {
  stats(): Promise<unknown>;
  clear(actor: string): Promise<{ cleared: number }>;
}

/** A rotated key's old self keeps working this long when the caller does not say: a day, time for every client to switch. */
export const DEFAULT_GRACE_SECONDS = 86_400;

const SPEND_PARAMS = ['groupBy', 'since', 'until', 'key', 'team', 'route', 'deployment', 'model', 'limit'] as const;

export function registerAdminApi(app: FastifyInstance, options: AdminApiOptions): void {
  const { admin, authorize } = options;
  const actors = new WeakMap<FastifyRequest, string>();
  const actorOf = (request: FastifyRequest): string => {
    const actor = actors.get(request);
    // Unreachable while the onRequest hook below runs first; a guard, not a path.
    if (actor === undefined) throw new JunctionError('internal_error', 'admin request without an authorised actor');
    return actor;
  };
  const query = (request: FastifyRequest) => request.query as Query;
  const id = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.register(
    async function adminApi(scope) {
      scope.addHook('onRequest', async function authorizeAdmin(request, reply) {
        actors.set(request, await authorize(request));
        // Answers may hold a key that is never shown again: no cache keeps a copy.
        reply.header('cache-control', 'no-store');
      });
      scope.setErrorHandler((error, request, reply) => {
        reply.hijack();
        sendError(reply.raw, openaiIngress, fromFrameworkError(error), String(request.id));
      });
      scope.setNotFoundHandler((request, reply) => {
        reply.hijack();
        const path = request.url.split('?')[0];
        sendError(reply.raw, openaiIngress, new JunctionError('endpoint_not_found', `No admin endpoint ${request.method} ${path}; see docs/admin.md`), String(request.id));
      });

      if (options.reload) {
        const reload = options.reload;
        scope.post('/reload', async function reloadConfig(request, reply) {
          const outcome = (await reload(actorOf(request))) as { applied: boolean; error?: string };
          // Not reloaded is not a server failure: the file is wrong, and the error says how.
          if (!outcome.applied) throw new JunctionError('config_invalid', `config not reloaded; the running config stays: ${outcome.error}`);
          return outcome;
        });
      }

      if (options.cache) {
        const cache = options.cache;
        scope.get('/cache', async function cacheStats() {
          return cache.stats();
        });
        scope.delete('/cache', async function clearCache(request) {
          return cache.clear(actorOf(request));
        });
      }

      scope.post('/keys', async function createKey(request, reply) {
        const created = await admin.createKey(actorOf(request), decodeKeyBody(request.body) as KeyInput);
        reply.code(201);
        return encodeCreatedKey(created);
      });

      scope.get('/keys', async function listKeys(request) {
        onlyParams(query(request), ['team', 'includeInactive']);
        const keys = await admin.listKeys({ team: textParam(query(request), 'team'), includeInactive: booleanParam(query(request), 'includeInactive') });
        return list(keys.map(encodeKey));
      });

      scope.get('/keys/:id', async function showKey(request) {
        return encodeKey(await admin.getKey(id(request)));
      });

      scope.patch('/keys/:id', async function updateKey(request) {
        return encodeKey(await admin.updateKey(actorOf(request), id(request), decodeKeyBody(request.body) as KeyUpdate));
      });

      scope.delete('/keys/:id', async function revokeKey(request) {
        return encodeKey(await admin.revokeKey(actorOf(request), id(request)));
      });

      scope.post('/keys/:id/rotate', async function rotateKey(request) {
        const body = request.body ?? {};
        const rotation = typeof body === 'object' && body !== null && !('graceSeconds' in body) ? { ...body, graceSeconds: DEFAULT_GRACE_SECONDS } : body;
        return encodeRotatedKey(await admin.rotateKey(actorOf(request), id(request), rotation as { graceSeconds: number }));
      });

      scope.post('/teams', async function createTeam(request, reply) {
        const team = await admin.createTeam(actorOf(request), request.body as TeamInput);
        reply.code(201);
        return encodeTeam(team);
      });

      scope.get('/teams', async function listTeams(request) {
        onlyParams(query(request), []);
        return list((await admin.listTeams()).map(encodeTeam));
      });

      scope.get('/teams/:id', async function showTeam(request) {
        return encodeTeam(await admin.getTeam(id(request)));
      });

      scope.patch('/teams/:id', async function updateTeam(request) {
        return encodeTeam(await admin.updateTeam(actorOf(request), id(request), request.body as TeamUpdate));
      });

      scope.get('/audit', async function auditLog(request) {
        const params = query(request);
        onlyParams(params, ['since', 'target', 'limit']);
        const since = textParam(params, 'since');
        const entries = await admin.auditLog({
          since: since === undefined ? undefined : parseInstant(since, 'since'),
          target: textParam(params, 'target'),
          limit: integerParam(params, 'limit'),
        });
        return list(entries.map(encodeAuditEntry));
      });

      scope.get('/spend', async function spend(request) {
        const params = query(request);
        onlyParams(params, SPEND_PARAMS);
        const filter = Object.fromEntries(
          (['key', 'team', 'route', 'deployment', 'model'] as const).flatMap((name) => {
            const value = textParam(params, name);
            return value === undefined ? [] : [[name, value]];
          }),
        );
        const rows = await admin.spend({
          groupBy: (listParam(params, 'groupBy') ?? []) as SpendDimension[],
          since: textParam(params, 'since'),
          until: textParam(params, 'until'),
          ...(Object.keys(filter).length === 0 ? {} : { filter }),
          limit: integerParam(params, 'limit'),
        });
        return list(rows);
      });

      scope.get('/usage', async function usage(request) {
        const params = query(request);
        onlyParams(params, ['key', 'team']);
        const key = textParam(params, 'key');
        const target = key === undefined ? { team: textParam(params, 'team') } : { key, team: textParam(params, 'team') };
        const report = await admin.usage(target);
        return encodeUsage(key === undefined ? { team: target.team } : { key }, report);
      });
    },
    { prefix: '/admin' },
  );
}
