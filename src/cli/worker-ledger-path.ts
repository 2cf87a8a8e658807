/**
 * Where worker `index` (from 1) keeps its SQLite ledger: beside the configured file, with the
 * index before the extension (`junction.db` → `junction.worker-1.db`). One file per worker
 * because the ledger never waits on a lock (a blocked writer would stall the event loop), so
 * processes sharing one WAL file get SQLITE_BUSY on overlapping batches and can lose the last
 * batch at shutdown.
 */
export function workerLedgerPath(path: string, index: number): string {
  if (path === ':memory:') return path;
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}.worker-${index}${path.slice(dot)}` : `${path}.worker-${index}`;
}
