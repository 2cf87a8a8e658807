/**
 * OpenTelemetry traces, behind `tracing.enabled`: one span per request and one per upstream
 * attempt, named and attributed by the GenAI semantic conventions (`gen_ai.operation.name`,
 * `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.provider.name`, `gen_ai.usage.*`),
 * exported over OTLP/HTTP in batches. Spans are built from the request's ledger entry when it
 * ends, off the request path; when tracing is off nothing subscribes, so it costs nothing.
 *
 * The entry keeps each attempt's duration, not its start: attempt spans are laid end to end from
 * the request's start (a hedge's overlapping attempts therefore show one after the other).
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { TracingSettings } from '../config/types';
import type { GatewayEvents } from '../gateway/events';
import type { LedgerEntry } from '../ledger/types';
import type { Catalog } from '../routing/catalog';

export interface Tracing {
  /** Export what is buffered now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function startTracing(settings: TracingSettings, events: GatewayEvents, catalog: Catalog): Tracing | undefined {
  if (!settings.enabled) return undefined;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.endpoint, headers: settings.headers }), scheduledDelayMillis: 1_000 })],
  });
  const tracer = provider.getTracer('junction');
  const unsubscribe = events.subscribe((event) => {
    if (event.type !== 'request-end') return;
    const { entry } = event;
    // The endpoint kind is the operation: chat, embeddings or speech.
    const operation = entry.endpoint;
    const end = entry.timestamp + entry.latencyMs;
    const span = tracer.startSpan(`${operation} ${entry.route}`, { kind: SpanKind.SERVER, startTime: entry.timestamp, attributes: requestAttributes(entry, operation) });
    if (entry.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: entry.errorCode ?? String(entry.status) });
    const parent = trace.setSpan(context.active(), span);
    let at = entry.timestamp;
    for (const attempt of entry.attempts) {
      const deployment = catalog.deployments.get(attempt.deployment);
      const provider = deployment ? catalog.providers.get(deployment.provider) : undefined;
      const child = tracer.startSpan(
        `${operation} ${deployment?.model ?? attempt.deployment}`,
        {
          kind: SpanKind.CLIENT,
          startTime: at,
          attributes: clean({
            'gen_ai.operation.name': operation,
            'gen_ai.provider.name': provider?.kind,
            'gen_ai.request.model': deployment?.model,
            'gen_ai.usage.input_tokens': attempt.inputTokens,
            'gen_ai.usage.output_tokens': attempt.outputTokens,
            'junction.deployment': attempt.deployment,
            'junction.attempt.outcome': attempt.outcome,
            'junction.cost_usd': attempt.costUsd,
            'http.response.status_code': attempt.upstreamStatus,
            'error.type': attempt.errorCode,
          }),
        },
        parent,
      );
      if (attempt.outcome === 'error') child.setStatus({ code: SpanStatusCode.ERROR, message: attempt.errorCode ?? 'error' });
      at = Math.min(end, at + attempt.latencyMs);
      child.end(at);
    }
    span.end(end);
  });
  return {
    flush: () => provider.forceFlush(),
    async close() {
      unsubscribe();
      await provider.shutdown();
    },
  };
}

function requestAttributes(entry: LedgerEntry, operation: string): Attributes {
  return clean({
    'gen_ai.operation.name': operation,
    'gen_ai.request.model': entry.route,
    'gen_ai.response.model': entry.model,
    'gen_ai.response.finish_reasons': entry.finishReason === undefined ? undefined : [entry.finishReason],
    'gen_ai.usage.input_tokens': entry.inputTokens,
    'gen_ai.usage.output_tokens': entry.outputTokens,
    'http.response.status_code': entry.status,
    'error.type': entry.errorCode,
    'junction.request_id': entry.requestId,
    'junction.route': entry.route,
    'junction.deployment': entry.deployment,
    'junction.strategy': entry.strategy,
    'junction.decision_reason': entry.decisionReason,
    'junction.fallback_tier': entry.fallbackTier,
    'junction.hedge': entry.hedge,
    'junction.cost_usd': entry.costUsd,
    'junction.attempts': entry.attempts.length,
    'junction.ttft_ms': entry.ttftMs,
    'junction.stream': entry.stream,
    'junction.principal': entry.principal,
  });
}

/** Attributes without the absent ones (OpenTelemetry drops undefined with a warning). */
function clean(attributes: Record<string, string | number | boolean | string[] | undefined>): Attributes {
  const kept: Attributes = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) kept[name] = value;
  return kept;
}
