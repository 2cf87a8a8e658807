/**
 * Who a scope check let in, as the endpoints outside the pipeline need it: the access
 * control's `require` answers a key's principal, `'admin'` (the admin key) or nothing (auth off).
 */

/** The key's id, `'admin'`, or undefined when nobody is known (auth off). */
export function callerIdOf(principal: unknown): string | undefined {
  if (principal === 'admin') return 'admin';
  const id = (principal as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** Who is calling, for the audit log: `key:<id>`, `admin`, or `anonymous` (auth off). */
export function actorOf(principal: unknown): string {
  if (principal === 'admin') return 'admin';
  const id = callerIdOf(principal);
  return id === undefined ? 'anonymous' : `key:${id}`;
}
