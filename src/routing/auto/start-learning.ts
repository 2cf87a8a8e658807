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
import { statePathBesideLedger } from '../../state/files/snapshot-file';
import { learnFromOutcome } from './observe-outcome';
import type { QualityPredictor } from './predictor';
import type { LedgerEntry } from '../../ledger/types';

export interface AutoRouting {
  knowledge: AutoKnowledge;
  learning: AutoLearning;
  /** Where learning is kept, if anywhere. */
  file?: string;
  close(): void;
}

export interface AutoRoutingOptions {
  now: () => number;
  predictor?: QualityPredictor | undefined;
  onError?: (message: string) => void;
}

export function startAutoRouting(config: JunctionConfig, options: AutoRoutingOptions): AutoRouting {
  const path = learningPath(config);
  const running = inMemoryAutoRouting(options);
  if (path === undefined) return running;
  const kept: LearningFile = keepLearningIn(path, running.learning, options.onError ? { onError: options.onError } : {});
  return { ...running, file: path, close: () => kept.close() };
}

/** Learning that lasts as long as the process (the in-process library's, or with the ledger off). */
export function inMemoryAutoRouting(options: AutoRoutingOptions): AutoRouting {
  const learning = new AutoLearning(options.now);
  const knowledge: AutoKnowledge = {
    ...(options.predictor ? { predictor: options.predictor } : {}),
    arm: (route, pattern, deployment) => learning.arm(route, pattern, deployment),
  };
  return { knowledge, learning, close: () => {} };
}

/** What each finished request teaches: its decision is remembered for feedback, and an unusable answer counts against its arm. */
export function learnFromRequest(auto: AutoRouting, entry: LedgerEntry): void {
  if (entry.auto === undefined) return;
  learnFromOutcome(auto.learning, entry);
  if (entry.deployment && entry.status < 400) auto.learning.remember(entry.requestId, entry.route, entry.deployment, entry.auto, entry.principal);
}

export function learningPath(config: JunctionConfig): string | undefined {
  return statePathBesideLedger(config, 'learning');
}

