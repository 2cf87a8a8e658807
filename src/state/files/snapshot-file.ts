/**
 * Keeps a piece of in-process state across restarts as a JSON file: written (to a temporary
 * file, then renamed, so a crash never leaves half a file) every `intervalMs` while it changed,
 * and on close. A missing file is a fresh start; an unreadable one is reported, set aside as
 * `<file>.unreadable`, and the state starts afresh rather than keeping the gateway down.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { JunctionConfig } from '../../config/types';

export interface Snapshotted<T> {
  /** The state as plain data; `markSaved` says it is about to be written. */
  snapshot(markSaved: boolean): T;
  restore(value: T): void;
  /** Throws when the parsed file is not a snapshot of this kind. */
  check(value: unknown): T;
  /** Whether anything changed since the last saved snapshot (always true when it cannot tell). */
  changed(): boolean;
}

export interface SnapshotFile {
  /** Write now if anything changed. */
  save(): void;
  close(): void;
}

export const DEFAULT_SAVE_INTERVAL_MS = 5_000;

export function keepSnapshotIn<T>(path: string, state: Snapshotted<T>, options: { intervalMs?: number; onError?: (message: string) => void } = {}): SnapshotFile {
  const report = options.onError ?? (() => {});
  if (existsSync(path)) {
    try {
      state.restore(state.check(JSON.parse(readFileSync(path, 'utf8'))));
    } catch (error) {
      report(`state file ${path} unreadable (${error instanceof Error ? error.message : String(error)}); kept as ${path}.unreadable, starting afresh`);
      renameSync(path, `${path}.unreadable`);
    }
  }
  const save = () => {
    if (!state.changed()) return;
    try {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(state.snapshot(true)));
      renameSync(temporary, path);
    } catch (error) {
      report(`state file ${path} not written: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const timer = setInterval(save, options.intervalMs ?? DEFAULT_SAVE_INTERVAL_MS);
  timer.unref();
  return {
    save,
    close() {
      clearInterval(timer);
      save();
    },
  };
}

/**
 * Where in-process state of `kind` is kept: beside the SQLite ledger (`junction.db` →
 * `junction.<kind>.json`) or a PostgreSQL ledger's spool; nowhere when the ledger is off or in memory.
 */
export function statePathBesideLedger(config: Pick<JunctionConfig, 'ledger'>, kind: string): string | undefined {
  if (config.ledger.kind === 'sqlite') return config.ledger.path === ':memory:' ? undefined : besideFile(config.ledger.path, kind);
  if (config.ledger.kind === 'postgres') return besideFile(config.ledger.spoolPath, kind);
  return undefined;
}

/** `junction.db` → `junction.<kind>.json`. */
function besideFile(path: string, kind: string): string {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return `${dot > slash + 1 ? path.slice(0, dot) : path}.${kind}.json`;
}
