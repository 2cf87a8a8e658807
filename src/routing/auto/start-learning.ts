/**
 * Auto-routing's running parts for one gateway: the learned model (when one is given), the
 * feedback learning and the file that keeps it. Which file: beside the SQLite ledger
 * (`junction.db` → `junction.learning.json`), or beside a PostgreSQL ledger's spool; none when
 * the ledger is off, and then learning lasts as long as the process.
 */
import type { JunctionConfig } from '../../config/types';
import type { AutoKnowledge } from '../strategies/types';
import { AutoLearning } from './learning';
import { keepLearningIn, type LearningFile } from './learning-file';
import type { QualityPredictor } from './predictor';

export interface AutoRouting {
  knowledge: AutoKnowledge;
  learning: AutoLearning;
  /** Where learning is kept, if anywhere. */
  file?: string;
  close(): void;
}

export function startAutoRouting(config: JunctionConfig, options: { now: () => number; predictor?: QualityPredictor; onError?: (message: string) => void }): AutoRouting {
  const learning = new AutoLearning(options.now);
  const path = learningPath(config);
  const kept: LearningFile | undefined = path === undefined ? undefined : keepLearningIn(path, learning, options.onError ? { onError: options.onError } : {});
  const knowledge: AutoKnowledge = {
    ...(options.predictor ? { predictor: options.predictor } : {}),
    arm: (route, pattern, deployment) => learning.arm(route, pattern, deployment),
  };
  return { knowledge, learning, ...(path ? { file: path } : {}), close: () => kept?.close() };
}

export function learningPath(config: JunctionConfig): string | undefined {
  if (config.ledger.kind === 'sqlite') return config.ledger.path === ':memory:' ? undefined : besides(config.ledger.path);
  if (config.ledger.kind === 'postgres') return besides(config.ledger.spoolPath);
  return undefined;
}

/** `junction.db` → `junction.learning.json`. */
function besides(path: string): string {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return `${dot > slash + 1 ? path.slice(0, dot) : path}.learning.json`;
}
