/**
 * A server that could not start listening: the port is taken, the host is not an address of
 * this machine, or the name does not resolve. Raised by `startJunction` once what it had
 * started is stopped again, so that the command line can say in one line what to change
 * instead of dying with a stack trace.
 */

/** Which of Junction's listeners failed; the command line names the setting that moves it. */
export type Listener = 'gateway' | 'simulator';

/** The operating system's reasons a listen fails that the person starting Junction can fix. */
export type ListenFailure = 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'EACCES' | 'ENOTFOUND' | 'EAI_AGAIN';

const FAILURES: ReadonlySet<string> = new Set<ListenFailure>(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN']);

/** A listener that could not start, for a reason in `ListenFailure`; the OS error is its `cause`. */
export class ListenError extends Error {
  readonly listener: Listener;
  readonly host: string;
  readonly port: number;
  readonly code: ListenFailure;

  constructor(listener: Listener, host: string, port: number, code: ListenFailure, cause: unknown) {
    super(`cannot listen on ${formatAddress(host, port)} (${code})`, { cause });
    this.name = 'ListenError';
    this.listener = listener;
    this.host = host;
    this.port = port;
    this.code = code;
  }
}

/**
 * `error` as a ListenError when it is one of the failures above, else undefined (a bug or
 * something unexpected, which should keep its stack trace).
 */
export function asListenError(error: unknown, listener: Listener, host: string, port: number): ListenError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && FAILURES.has(code) ? new ListenError(listener, host, port, code as ListenFailure, error) : undefined;
}

/** `127.0.0.1:4000`, `[::1]:4000`. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
