/**
 * Keeps what auto-routing learned across restarts: a JSON snapshot, written (to a temporary
 * file, then renamed, so a crash never leaves half a file) every `intervalMs` while something
 * changed, and on close. A missing file is a fresh start; an unreadable one is reported, set
 * aside as `<file>.unreadable`, and learning starts afresh rather than refusing to serve.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AutoLearning, LearningSnapshot } from './learning';

export interface LearningFile {
  /** Write now if anything changed. */
  save(): void;
  close(): void;
}

export const DEFAULT_SAVE_INTERVAL_MS = 5_000;

export function keepLearningIn(path: string, learning: AutoLearning, options: { intervalMs?: number; onError?: (message: string) => void } = {}): LearningFile {
  const report = options.onError ?? (() => {});
  if (existsSync(path)) {
    try {
      learning.restore(parseSnapshot(readFileSync(path, 'utf8')));
    } catch (error) {
      report(`learning file ${path} unreadable (${error instanceof Error ? error.message : String(error)}); kept as ${path}.unreadable, starting afresh`);
      renameSync(path, `${path}.unreadable`);
    }
  }
  const save = () => {
    if (!learning.changed) return;
    try {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(learning.snapshot(true)));
      renameSync(temporary, path);
    } catch (error) {
      report(`learning file ${path} not written: ${error instanceof Error ? error.message : String(error)}`);
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

function parseSnapshot(text: string): LearningSnapshot {
  const parsed = JSON.parse(text) as Partial<LearningSnapshot>;
  if (parsed.version !== 1 || !Array.isArray(parsed.arms) || typeof parsed.feedback?.count !== 'number') throw new Error('not a version 1 learning snapshot');
  for (const entry of parsed.arms) {
    const arm = Array.isArray(entry) ? entry[1] : undefined;
    if (typeof entry?.[0] !== 'string' || typeof arm?.weight !== 'number' || typeof arm.residualSum !== 'number' || typeof arm.scoreSum !== 'number' || typeof arm.updatedAt !== 'number') {
      throw new Error('an arm is malformed');
    }
  }
  return parsed as LearningSnapshot;
}
