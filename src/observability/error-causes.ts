/**
 * The detail behind an error that the caller is not shown but the operator needs: the messages
 * of the errors it was caused by that Junction did not word itself (Node's and undici's, which
 * name the upstream's address), found by walking `cause` and the members of AggregateErrors.
 */
import { JunctionError } from '../errors';

/** At most this many distinct causes per log line: a plan retried ten times fails ten times alike. */
const MAX_CAUSES = 8;
const MAX_DEPTH = 6;

/** The distinct messages of `error`'s foreign causes, each with its code when the message lacks it. */
export function foreignCauses(error: unknown): string[] {
  const found = new Set<string>();
  visit(error, 0, found);
  return [...found];
}

function visit(value: unknown, depth: number, found: Set<string>): void {
  if (found.size >= MAX_CAUSES || depth > MAX_DEPTH || !(value instanceof Error)) return;
  if (value instanceof AggregateError) {
    for (const member of value.errors) visit(member, depth + 1, found);
  } else if (depth > 0 && !(value instanceof JunctionError)) {
    const code = (value as { code?: unknown }).code;
    found.add(typeof code === 'string' && !value.message.includes(code) ? `${code}: ${value.message}` : value.message);
  }
  visit(value.cause, depth + 1, found);
}
