/**
 * Error reports, spaced out. A Redis that is down or stalled fails every request's call the
 * same way; telling each one would flood the log with one line per request. The first error of
 * a kind is told at once; the others of that kind within `intervalMs` are only counted, and
 * the count goes with the next one told.
 */

/** Reports `error` as one of `kind` (a fixed word: the kinds are few). */
export type SpacedReport = (kind: string, error: Error) => void;

export function spacedReports(onError: (error: Error) => void, now: () => number, intervalMs: number): SpacedReport {
  const lastOfKind = new Map<string, { at: number; unsaid: number }>();
  return function report(kind: string, error: Error): void {
    const at = now();
    const last = lastOfKind.get(kind);
    if (last !== undefined && at - last.at < intervalMs) {
      last.unsaid += 1;
      return;
    }
    const unsaid = last?.unsaid ?? 0;
    lastOfKind.set(kind, { at, unsaid: 0 });
    onError(unsaid === 0 ? error : new Error(`${error.message} (${unsaid} more since the last report)`, { cause: error }));
  };
}
