/**
 * Small zod building blocks shared by the config schemas. Custom messages here say what was
 * expected; the issue formatter adds what was found.
 */
import { z } from 'zod';

export const nonNegativeNumber = () => z.number().min(0);
export const nonNegativeInteger = () => z.number().int().min(0);
export const positiveInteger = () => z.number().int().min(1);
/** A probability in [0, 1]. */
export const probability = () => z.number().min(0).max(1);

export const nonEmptyString = () => z.string().min(1);

/** Ids and names used as map keys: anything printable without whitespace (`openai/gpt-4o`, `llama3.1:8b`). */
export const nameKey = () => z.string().regex(/^\S+$/, { message: 'expected a name without spaces' });

/**
 * Route and deployment names: Junction sends them back in response headers
 * (`x-junction-route`, `x-junction-deployment`) and repeats them in logs, metrics and the
 * ledger, so they are printable ASCII without spaces, at most 128 characters (the length up to
 * which caller-chosen names are repeated unchanged, observability/caller-text.ts).
 */
export const headerName = () =>
  z.string().regex(/^[\x21-\x7e]{1,128}$/, { message: 'expected a name of at most 128 printable ASCII characters without spaces (it is sent in response headers)' });

export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

export const httpUrl = () =>
  z.string().refine(isHttpUrl, { message: 'expected an http:// or https:// URL such as https://api.example.com/v1' });

export function isRedisUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'redis:' || protocol === 'rediss:';
}

export const redisUrl = () => z.string().refine(isRedisUrl, { message: 'expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379' });
