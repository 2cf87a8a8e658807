/**
 * The emergency tier's memory: the last good answer to each recent request, kept so that when
 * every deployment fails the caller gets that answer (marked stale) rather than an error.
 * Bounded LRU; only routes with `emergency.staleCache` use it.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest, ChatResponse } from '../../canonical/types';

export class StaleCache {
  private readonly entries = new Map<string, { response: ChatResponse; storedAt: number }>();

  constructor(private readonly capacity = 1_000) {}

  /** Same conversation, tools and sampling settings → same key; streaming or not does not matter. */
  static key(route: string, request: ChatRequest): string {
    const { stream: _stream, model: _model, ...rest } = request;
    return createHash('sha256').update(route).update('\0').update(JSON.stringify(rest)).digest('base64url');
  }

  store(key: string, response: ChatResponse, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { response, storedAt: now });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get(key: string): { response: ChatResponse; storedAt: number } | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
