/**
 * Per-series state of a labelled metric, found by its label values. prom-client turns a label
 * object into a key string on every `inc`/`observe`; the gateway records several series per
 * request, so it keeps what it needs per series here instead, reached through one nested Map
 * per label: a look-up hashes each value and builds neither a key string nor a label object.
 */

/** A label value as events carry it; turned into a string only when a series is first seen. */
export type LabelValue = string | number | boolean;

type Level<Series> = Map<LabelValue, Level<Series> | Series>;

/** The label object prom-client expects, from names and values in the same order. */
export function labelsOf(names: readonly string[], values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  names.forEach((name, index) => {
    labels[name] = values[index];
  });
  return labels;
}

export class SeriesCache<Series> {
  private readonly root: Level<Series> = new Map();

  /**
   * @param labelCount how many label values every look-up passes (1 to 5).
   * @param create builds a series' state from its label values, in label order, the first time they are seen.
   */
  constructor(
    private readonly labelCount: number,
    private readonly create: (values: string[]) => Series,
  ) {
    if (labelCount < 1 || labelCount > 5) throw new RangeError(`a series cache takes 1 to 5 labels, not ${labelCount}`);
  }

  /** The series for these label values (exactly `labelCount` of them), created on first use. */
  get(a: LabelValue, b?: LabelValue, c?: LabelValue, d?: LabelValue, e?: LabelValue): Series {
    // Fixed parameters rather than a rest array: this runs per event and must not allocate.
    let level = this.root;
    for (let position = 0; position < this.labelCount - 1; position += 1) {
      const key = position === 0 ? a : position === 1 ? b : position === 2 ? c : d;
      let next = level.get(key as LabelValue) as Level<Series> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key as LabelValue, next);
      }
      level = next;
    }
    const last = (this.labelCount === 1 ? a : this.labelCount === 2 ? b : this.labelCount === 3 ? c : this.labelCount === 4 ? d : e) as LabelValue;
    let series = level.get(last) as Series | undefined;
    if (series === undefined) {
      series = this.create([a, b, c, d, e].slice(0, this.labelCount).map(String));
      level.set(last, series);
    }
    return series;
  }
}
