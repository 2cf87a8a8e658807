/**
 * Errors a ledger reports through its `onError` hook. They never reach a caller: the request
 * that produced the entry has long been answered.
 */
import { JunctionError } from '../errors';

/** The store refused one entry for what it contains (a constraint, an unbindable value); it is dropped, the rest of its batch lands. */
export class LedgerEntryRejectedError extends Error {
  readonly requestId: string;

  constructor(requestId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`ledger entry ${requestId} rejected: ${reason}`, { cause });
    this.name = 'LedgerEntryRejectedError';
    this.requestId = requestId;
  }
}

/** What `record`, `query` and `count` throw once the ledger is closed. */
export function ledgerClosedError(): JunctionError {
  return new JunctionError('shutting_down', 'The ledger is closed.');
}

/**
 * Used when the caller passes no `onError`: a process warning reaches stderr by default and can
 * be observed with `process.on('warning')`, so failures are never swallowed.
 */
export function warnLedgerError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), { code: 'JUNCTION_LEDGER' });
}
