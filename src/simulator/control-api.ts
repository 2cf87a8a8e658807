/**
 * The simulator's control API, for tests and demos in other processes:
 *   GET    /_control/models           current behaviours ({ default, models })
 *   PUT    /_control/models/{model}   replace the model's behaviour ({model} may be "default")
 *   PATCH  /_control/models/{model}   merge into it (null removes a key)
 *   DELETE /_control/models/{model}   back to the default
 *   POST   /_control/reset            behaviours and stats back to the start
 *   GET    /_control/stats            the counters
 * Errors are `{ error: { message } }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelBehaviour } from '../config/simulator-behaviour';
import { modelBehaviourSchema } from '../config/simulator-behaviour-schema';
import { isRecord } from './dialect';
import { parseJson, readBody } from './http-io';
import type { SimulatorContext } from './serve-model';

const MODELS_PREFIX = '/_control/models/';

/** What resetting the whole simulator means; supplied by the server, which owns all the state. */
export type ResetAll = () => void;

export async function serveControl(context: SimulatorContext, resetAll: ResetAll, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? 'GET';
  const text = method === 'PUT' || method === 'PATCH' ? await readBody(request) : '';
  if (path === '/_control/models' && method === 'GET') return send(response, 200, context.behaviours.snapshot());
  if (path === '/_control/stats' && method === 'GET') return send(response, 200, context.stats.snapshot());
  if (path === '/_control/reset' && method === 'POST') {
    resetAll();
    return send(response, 200, { ok: true });
  }
  if (path.startsWith(MODELS_PREFIX) && path.length > MODELS_PREFIX.length) {
    const model = decodeURIComponent(path.slice(MODELS_PREFIX.length));
    switch (method) {
      case 'PUT':
        return putBehaviour(context, model, text, response);
      case 'PATCH':
        return patchBehaviour(context, model, text, response);
      case 'DELETE':
        context.behaviours.remove(model);
        return send(response, 200, { model, behaviour: context.behaviours.resolve(model) });
    }
  }
  send(response, 404, { error: { message: `No control endpoint ${method} ${path}` } });
}

function putBehaviour(context: SimulatorContext, model: string, text: string, response: ServerResponse): void {
  const json = parseJson(text);
  if (!json.ok) return send(response, 400, { error: { message: 'The body is not valid JSON.' } });
  const checked = modelBehaviourSchema.safeParse(json.value);
  if (!checked.success) return send(response, 400, { error: { message: describeIssues(checked.error.issues) } });
  context.behaviours.set(model, checked.data as ModelBehaviour);
  send(response, 200, { model, behaviour: context.behaviours.resolve(model) });
}

function patchBehaviour(context: SimulatorContext, model: string, text: string, response: ServerResponse): void {
  const json = parseJson(text);
  if (!json.ok || !isRecord(json.value)) return send(response, 400, { error: { message: 'The body must be a JSON object.' } });
  // Validate the merged result before storing it, so a bad patch leaves the behaviour untouched.
  const merged: Record<string, unknown> = { ...context.behaviours.resolve(model) };
  for (const [key, value] of Object.entries(json.value)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const checked = modelBehaviourSchema.safeParse(merged);
  if (!checked.success) return send(response, 400, { error: { message: describeIssues(checked.error.issues) } });
  context.behaviours.set(model, checked.data as ModelBehaviour);
  send(response, 200, { model, behaviour: context.behaviours.resolve(model) });
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`).join('; ');
}

function send(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
