import type { ModelBehaviour } from '../config/simulator-behaviour';

/** The model name whose behaviour answers every model without one of its own. */
export const DEFAULT_MODEL = 'default';

/**
 * Behaviours by model name, falling back to the default. Stored values are private copies, so
 * a caller mutating its object afterwards changes nothing.
 */
export class BehaviourStore {
  private readonly models = new Map<string, ModelBehaviour>();
  private fallback: ModelBehaviour;
  private readonly initialModels: Record<string, ModelBehaviour>;
  private readonly initialDefault: ModelBehaviour;

  constructor(models: Record<string, ModelBehaviour> = {}, defaults?: ModelBehaviour) {
    this.initialModels = structuredClone(models);
    this.initialDefault = structuredClone(defaults ?? models[DEFAULT_MODEL] ?? {});
    this.fallback = this.initialDefault;
    this.reset();
  }

  resolve(model: string): ModelBehaviour {
    return this.models.get(model) ?? this.fallback;
  }

  set(model: string, behaviour: ModelBehaviour): void {
    if (model === DEFAULT_MODEL) this.fallback = structuredClone(behaviour);
    else this.models.set(model, structuredClone(behaviour));
  }

  /**
   * Shallow merge onto the model's current behaviour (its own, else the default); a key whose
   * patch value is undefined or null is removed, as in JSON Merge Patch.
   */
  patch(model: string, patch: Record<string, unknown>): ModelBehaviour {
    const merged: Record<string, unknown> = { ...this.resolve(model) };
    for (const key of Object.keys(patch)) {
      if (patch[key] === undefined || patch[key] === null) delete merged[key];
      else merged[key] = patch[key];
    }
    this.set(model, merged as ModelBehaviour);
    return this.resolve(model);
  }

  /** Back to the default (for `default` itself: back to the initial default). */
  remove(model: string): void {
    if (model === DEFAULT_MODEL) this.fallback = this.initialDefault;
    else this.models.delete(model);
  }

  reset(): void {
    this.models.clear();
    this.fallback = this.initialDefault;
    for (const [model, behaviour] of Object.entries(this.initialModels)) {
      if (model !== DEFAULT_MODEL) this.models.set(model, structuredClone(behaviour));
    }
  }

  /** Model names with a behaviour of their own. */
  names(): string[] {
    return [...this.models.keys()];
  }

  snapshot(): { default: ModelBehaviour; models: Record<string, ModelBehaviour> } {
    return structuredClone({ default: this.fallback, models: Object.fromEntries(this.models) });
  }
}
