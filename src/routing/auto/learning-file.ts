/** Keeps what auto-routing learned across restarts, in a JSON file (see state/files/snapshot-file.ts). */
import { keepSnapshotIn, type SnapshotFile } from '../../state/files/snapshot-file';
import type { AutoLearning, LearningSnapshot } from './learning';

export type LearningFile = SnapshotFile;

export function keepLearningIn(path: string, learning: AutoLearning, options: { intervalMs?: number; onError?: (message: string) => void } = {}): LearningFile {
  return keepSnapshotIn<LearningSnapshot>(
    path,
    {
      snapshot: (markSaved) => learning.snapshot(markSaved),
      restore: (value) => learning.restore(value),
      check: checkSnapshot,
      changed: () => learning.changed,
    },
    options,
  );
}

function checkSnapshot(value: unknown): LearningSnapshot {
  const parsed = value as Partial<LearningSnapshot>;
  if (parsed?.version !== 1 || !Array.isArray(parsed.arms) || typeof parsed.feedback?.count !== 'number') throw new Error('not a version 1 learning snapshot');
  for (const entry of parsed.arms) {
    const arm = Array.isArray(entry) ? entry[1] : undefined;
    if (typeof entry?.[0] !== 'string' || typeof arm?.weight !== 'number' || typeof arm.residualSum !== 'number' || typeof arm.scoreSum !== 'number' || typeof arm.updatedAt !== 'number') {
      throw new Error('an arm is malformed');
    }
  }
  return parsed as LearningSnapshot;
}
