import { fromMulti, fromPairs, type TrainingExample } from './learned-data';
import { ALPACA_STRONG, loadAlpacaAll, loadGsm8k, loadMmlu, loadRouterBench } from './load';

/** Every training-part example the learned model is fitted on, from the data directory. */
export function loadTrainingExamples(root: string): TrainingExample[] {
  return [...fromPairs(loadMmlu(root)), ...fromPairs(loadGsm8k(root)), ...fromMulti(loadRouterBench(root), 'routerbench'), ...fromMulti(loadAlpacaAll(root), 'alpaca', [ALPACA_STRONG])];
}
