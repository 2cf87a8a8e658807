/**
 * Junction as a library: `createRouter(config)` runs the gateway's routing pipeline in-process.
 * This entry loads no HTTP server, Redis client, SQLite or logger; those are wired by the
 * command line (src/app.ts) or passed in (a store, a ledger).
 */
export { createRouter, type CallOptions, type Router, type RouterOptions } from './library/create-router';
export type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, Message, StreamEvent, ToolDefinition, Usage } from './canonical/types';
export type { SpeechFormat, SpeechRequest, SpeechResponse } from './canonical/speech';
export type { JunctionConfig } from './config/types';
export { ConfigError } from './config/config-error';
export { JunctionError, type ErrorCode } from './errors';
export type { Outcome } from './gateway/account';
export type { GatewayEvent } from './gateway/events';
export type { RoutingHints } from './gateway/routing-hints';
export type { Admission, Admit, Authenticate, PipelineStages, ResponseCache } from './gateway/stages';
export type { Exchange, Principal } from './gateway/context';
export type { Ledger, LedgerEntry } from './ledger/types';
export type { DecisionPreview, DeploymentStatus, Operations, RouteSummary } from './operations';
export type { StateStore } from './state/types';

// The multi-source data router and its client.
export { createHealthRecorder, createRoutedValueCache, createSourceRouter, fetchWithRouting } from './sources';
export type { FetchWithRoutingOptions, HealthRecorder, Reading, RouteResult, RoutedValueCache, RoutingTarget, SourceFetcher, SourceRouter } from './sources';
