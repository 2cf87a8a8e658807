/**
 * The held-out targets of issue 17, checked per series: MAE ≤ 0.5× naive mean and ≤ 0.8×
 * plain median (like for like: the router's MAE over the steps the baseline answered, and
 * over all steps), coverage ≥ 99.5%, Spearman(confidence, error) ≤ −0.5.
 */
import type { Summary } from './metrics';

export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

export function targetsFor(heldOut: readonly Summary[]): Target[] {
  const targets: Target[] = [];
  const ratio = (s: Summary, method: string, sameSteps: boolean) => {
    const baseline = s.baselines.find((entry) => entry.method === method)!;
    return (sameSteps ? baseline.routerMaeSameSteps ?? Number.NaN : s.router.mae) / baseline.mae;
  };
  for (const [method, limit] of [['naive mean', 0.5], ['plain median', 0.8]] as const) {
    for (const sameSteps of [true, false]) {
      const ratios = heldOut.map((s) => ({ series: s.series, value: ratio(s, method, sameSteps) }));
      targets.push({
        name: `MAE ≤ ${limit}× ${method} (${sameSteps ? 'same steps' : 'all answered steps, synthetic included'})`,
        met: ratios.every((entry) => entry.value <= limit),
        detail: ratios.map((entry) => `${entry.series} ${entry.value.toFixed(2)}×`).join(', '),
      });
    }
  }
  targets.push({ name: 'coverage ≥ 99.5% of scored steps', met: heldOut.every((s) => s.router.coverage >= 0.995), detail: heldOut.map((s) => `${s.series} ${(s.router.coverage * 100).toFixed(2)}%`).join(', ') });
  targets.push({ name: 'Spearman(confidence, error/tolerance) ≤ −0.5', met: heldOut.every((s) => s.router.spearmanScaled <= -0.5), detail: heldOut.map((s) => `${s.series} ${s.router.spearmanScaled.toFixed(2)}`).join(', ') });
  targets.push({ name: 'Spearman(confidence, absolute error) ≤ −0.5', met: heldOut.every((s) => s.router.spearmanAbsolute <= -0.5), detail: heldOut.map((s) => `${s.series} ${s.router.spearmanAbsolute.toFixed(2)}`).join(', ') });
  return targets;
}
