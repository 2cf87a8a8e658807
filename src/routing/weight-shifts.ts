/**
 * Factors on deployments' weights that something outside the config put there for a while —
 * the SLA monitor lowers an anomalous deployment's weight (× 0.25 by default) and restores it
 * when the anomaly clears. The weighted and adaptive strategies multiply by them; the config's
 * own weights are never rewritten, so a reload neither loses a shift nor bakes one in.
 */
export class WeightShifts {
  readonly #factors = new Map<string, number>();

  /** The deployment's factor: 1 unless shifted. */
  factor(deployment: string): number {
    return this.#factors.get(deployment) ?? 1;
  }

  /** Sets the deployment's factor (finite, ≥ 0; 1 removes it). */
  set(deployment: string, factor: number): void {
    if (!Number.isFinite(factor) || factor < 0) throw new RangeError(`weight factor must be a finite number ≥ 0, not ${factor}`);
    if (factor === 1) this.#factors.delete(deployment);
    else this.#factors.set(deployment, factor);
  }

  restore(deployment: string): void {
    this.#factors.delete(deployment);
  }

  get size(): number {
    return this.#factors.size;
  }

  /** Every shifted deployment and its factor. */
  entries(): Array<[string, number]> {
    return [...this.#factors];
  }
}
