import pino, { type Logger } from 'pino';
import type { GatewayEvents } from '../gateway/events';
import { foreignCauses } from './error-causes';

export type { Logger };

/** JSON logs to stdout, written asynchronously so logging never blocks a request. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'junction' } }, pino.destination({ sync: false }));
}

/** One log line per finished request, carrying its request id. */
export function logRequests(events: GatewayEvents, logger: Logger): void {
  events.subscribe(function logRequest(event) {
    if (event.type === 'breaker-change') {
      logger.warn({ deployment: event.deployment, from: event.from, to: event.to }, 'breaker changed');
      return;
    }
    if (event.type !== 'request-end') return;
    const { entry, error } = event;
    // Most requests log at info; at a quieter level, skip building the line at all.
    if (!logger.isLevelEnabled(error && error.status >= 500 ? 'warn' : 'info')) return;
    const fields = {
      requestId: entry.requestId,
      route: entry.route,
      deployment: entry.deployment,
      attempts: entry.attempts.map((attempt) => `${attempt.deployment}:${attempt.errorCode ?? attempt.outcome}`),
      status: entry.status,
      stream: entry.stream,
      latencyMs: entry.latencyMs,
      ttftMs: entry.ttftMs,
      inputTokens: entry.inputTokens,
      outputTokens: entry.outputTokens,
      costUsd: entry.costUsd,
    };
    if (error && error.status >= 500) {
      // The caller's message names no upstream address; the causes here do, for the operator.
      const causes = foreignCauses(error);
      logger.warn({ ...fields, errorCode: error.code, err: error.message, ...(causes.length > 0 ? { causes } : {}) }, 'request failed');
    } else if (error) logger.info({ ...fields, errorCode: error.code }, 'request rejected');
    else logger.info(fields, 'request');
  });
}
