/**
 * What the pipeline's stages share: the catalog, live health, the upstream client and adapters,
 * the event bus, and the injected clock, randomness and sleep. Built once by app.ts (or
 * createRouter) and handed to each stage explicitly.
 */
import { adapterFor as defaultAdapterFor } from '../providers';
import type { ProviderAdapter } from '../providers/types';
import type { Catalog, Provider } from '../routing/catalog';
import type { AdaptiveKnowledge, AutoKnowledge } from '../routing/strategies/types';
import { WeightShifts } from '../routing/weight-shifts';
import type { BreakerChange } from '../state/memory/memory-state-store';
import type { StateStore } from '../state/types';
import type { Cancel } from './execution/cancel';
import { UpstreamClient } from './execution/upstream-client';
import type { GatewayEvents } from './events';

export interface GatewayServices {
  catalog: Catalog;
  /** Live health and breakers (memory, or shared through Redis). */
  store: StateStore;
  client: UpstreamClient;
  adapterFor: (provider: Provider) => ProviderAdapter;
  events: GatewayEvents;
  now: () => number;
  random: () => number;
  sleep: (ms: number, cancel: Cancel) => Promise<void>;
  /** The learned quality model and what feedback taught, for auto-routing. */
  auto?: AutoKnowledge;
  /** Deployments drained by an SLA mitigation (tried last); changed by the SLA monitor only. */
  drained: Set<string>;
  /** The adaptive strategy's learned shares. */
  adaptive?: AdaptiveKnowledge;
  /** Weight factors an SLA mitigation set (an anomaly lowers a deployment's weight); changed by the SLA monitor only. */
  weightShifts: WeightShifts;
}

export interface ServiceOptions {
  catalog: Catalog;
  store: StateStore;
  events: GatewayEvents;
  adapterFor?: (provider: Provider) => ProviderAdapter;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, cancel: Cancel) => Promise<void>;
  auto?: AutoKnowledge;
  adaptive?: AdaptiveKnowledge;
}

/** The services with the real world filled in where the options leave it out. */
export function createServices(options: ServiceOptions): GatewayServices {
  return {
    catalog: options.catalog,
    store: options.store,
    events: options.events,
    client: new UpstreamClient(),
    adapterFor: options.adapterFor ?? defaultAdapterFor,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? abortableSleep,
    ...(options.auto ? { auto: options.auto } : {}),
    drained: new Set(),
    ...(options.adaptive ? { adaptive: options.adaptive } : {}),
    weightShifts: new WeightShifts(),
  };
}

/** A state store's breaker changes, announced as pipeline events (for metrics, logs, the dashboard). */
export function announceBreakerChanges(events: GatewayEvents): (change: BreakerChange) => void {
  return function announceBreakerChange(change) {
    events.emit({ type: 'breaker-change', deployment: change.deployment, from: change.from.status, to: change.to.status, at: change.at });
  };
}

/** setTimeout as a promise that rejects with the cancel's reason when cancelled first. */
export function abortableSleep(ms: number, cancel: Cancel): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cancel.aborted) return reject(cancel.reason);
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, ms);
    const stopListening = cancel.onAbort((reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}
