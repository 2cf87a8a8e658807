/**
 * Query-string parameters of the admin API, read strictly: an unknown parameter or one given
 * twice is refused by name rather than ignored, so a typo (`?tema=research`) does not quietly
 * list everything.
 */
import { invalidField } from '../../operations/admin/validate';

export type Query = Record<string, unknown>;

/** Refuses parameters other than `allowed`. */
export function onlyParams(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) throw invalidField(name, `unknown query parameter; expected ${allowed.length === 0 ? 'none' : `one of ${allowed.join(', ')}`}`);
  }
}

export function textParam(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidField(name, 'expected one value');
  if (value === '') throw invalidField(name, 'expected a value');
  return value;
}

export function integerParam(query: Query, name: string): number | undefined {
  const text = textParam(query, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw invalidField(name, `expected a whole number, got ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

export function booleanParam(query: Query, name: string): boolean | undefined {
  const text = textParam(query, name);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw invalidField(name, `expected true or false, got ${JSON.stringify(text.slice(0, 40))}`);
  return text === 'true';
}

/** A comma-separated list (`team,route`), empty entries dropped. */
export function listParam(query: Query, name: string): string[] | undefined {
  const text = textParam(query, name);
  return text === undefined ? undefined : text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}
