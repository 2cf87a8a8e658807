/**
 * Upstream error messages are relayed to callers, and some upstreams put network addresses in
 * them: a local server reporting the runner behind it it could not reach
 * (`Post "http://127.0.0.1:39017/completion": EOF`), a proxy naming its backend
 * (`connect() failed to 10.0.3.7:8000`). Those belong to the operator's network, so they are
 * replaced before the message leaves; links to public pages (no port, a host name) stay.
 */

const ADDRESS = new RegExp(
  [
    // A URL whose host is an IP address or localhost, or that names a port.
    String.raw`\b[a-z][a-z0-9+.-]*://(?:[^\s/"'<>@]*@)?(?:\[[0-9a-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|localhost|[^\s/"'<>:]+:\d{1,5})[^\s"'<>]*`,
    // A bracketed IPv6 address, with or without a port.
    String.raw`\[[0-9a-f]*:[0-9a-f:.]*\](?::\d{1,5})?`,
    // An IPv4 address, with or without a port.
    String.raw`\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b`,
    // A host name with a port: localhost:8000, vllm.internal:8000.
    String.raw`\b(?:localhost|(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*):\d{1,5}\b`,
  ].join('|'),
  'gi',
);

/** What replaces each address. */
export const REDACTED_ADDRESS = '[address]';

/** `text` with every network address in it replaced by {@link REDACTED_ADDRESS}. */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESS, REDACTED_ADDRESS);
}
