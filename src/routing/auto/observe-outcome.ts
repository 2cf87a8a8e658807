/**
 * What a request's own outcome teaches auto-routing, without anyone's feedback: when the
 * deployment auto-routing chose answered with something unusable (malformed, or a stream cut
 * short), that is scored as a useless answer on its arm, so a deployment that keeps producing
 * broken answers for a kind of prompt stops being chosen for it. Failures of other kinds
 * (timeouts, 5xx, 429) are health's business: breakers and cooldowns already act on them.
 */
import type { LedgerEntry } from '../../ledger/types';
import type { AutoLearning } from './learning';

const UNUSABLE_ANSWERS = new Set(['upstream_bad_response', 'upstream_stream_truncated']);

export function learnFromOutcome(learning: AutoLearning, entry: LedgerEntry): void {
  const auto = entry.auto;
  const first = entry.attempts[0];
  if (auto === undefined || first === undefined) return;
  if (first.outcome === 'error' && first.errorCode !== undefined && UNUSABLE_ANSWERS.has(first.errorCode)) {
    learning.observe(entry.route, auto.pattern, first.deployment, 0, auto.modelQuality ?? auto.predictedQuality);
  }
}
