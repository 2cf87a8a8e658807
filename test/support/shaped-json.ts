/**
 * fast-check building blocks for JSON bodies shaped like a wire schema, to property-test a
 * hand-written check against its zod schema (see src/wire/shape-checks.ts). With `junk`, any
 * field may hold a JSON value of the wrong kind and most bodies are refused; without, fields
 * hold plausible values with the odd near miss (an empty name, a number out of range, a value
 * not in the list), often the body's only fault, so both verdicts are well exercised.
 */
import fc from 'fast-check';

export interface ShapedJson {
  /** `valid`, or now and then null, or with junk a value of another kind. */
  maybe<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown>;
  /**
   * An object of these fields, each present or not, plus now and then an unknown one. Without
   * junk, the first `always` fields (default 2) are always present and each other one time in eight.
   */
  fields(shape: Record<string, fc.Arbitrary<unknown>>, always?: number): fc.Arbitrary<Record<string, unknown>>;
  /** One of the accepted values, now and then one that is refused. */
  pick(valid: unknown[], invalid: unknown[]): fc.Arbitrary<unknown>;
  /** A short string, sometimes empty. */
  text: fc.Arbitrary<string>;
  /** A number: without junk mostly 1, else a spread around small bounds and a huge integer. */
  number: fc.Arbitrary<number>;
}

/** An array of at most two items: enough to reach every item check and the empty case. */
export const shortArray = (item: fc.Arbitrary<unknown>) => fc.array(item, { maxLength: 2 });

export function shapedJson(junk: boolean): ShapedJson {
  const wrongKind = fc.oneof(fc.constantFrom(null, '', 0, -1, 1.5, 3, true, [], {}), fc.jsonValue({ maxDepth: 2 }));
  return {
    // Without junk, null is the one stranger: accepted by nullable fields, refused by the rest.
    maybe: (valid) => fc.oneof({ arbitrary: valid, weight: junk ? 3 : 15 }, { arbitrary: junk ? wrongKind : fc.constant(null), weight: 1 }),
    fields(shape, always = 2) {
      const keys = [...Object.keys(shape), 'extra'];
      const all = fc.record({ ...shape, extra: fc.jsonValue({ maxDepth: 1 }) });
      return fc.tuple(all, fc.array(fc.nat(7), { minLength: keys.length, maxLength: keys.length })).map(([value, dice]) => {
        const kept: Record<string, unknown> = {};
        keys.forEach((key, index) => {
          if (junk ? dice[index] < 4 : index < always || dice[index] === 0) kept[key] = (value as Record<string, unknown>)[key];
        });
        return kept;
      });
    },
    pick: (valid, invalid) => fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 9 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 }),
    text: fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 8 }), weight: junk ? 1 : 9 }, { arbitrary: fc.constant(''), weight: 1 }),
    number: junk
      ? fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -3, max: 3, noNaN: true }), fc.constant(2 ** 60))
      : fc.oneof({ arbitrary: fc.constant(1), weight: 6 }, { arbitrary: fc.constantFrom(0, 2, 0.5, -1, -2, 2.5, -2.5, 2 ** 60), weight: 1 }),
  };
}

/**
 * Asserts that `accepts` agrees with `schema` on JSON values drawn from `bodies(junk)`, with
 * both verdicts reached often enough for the agreement to mean something.
 */
export function assertAgreesWithSchema(
  bodies: (junk: boolean) => fc.Arbitrary<unknown>,
  accepts: (value: unknown) => boolean,
  schema: { safeParse(value: unknown): { success: boolean } },
  options: { runs?: number; atLeast?: number } = {},
): void {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(fc.oneof({ arbitrary: bodies(true), weight: 1 }, { arbitrary: bodies(false), weight: 2 }), (value) => {
      const json = JSON.parse(JSON.stringify(value)) as unknown;
      const expected = schema.safeParse(json).success;
      if (accepts(json) !== expected) throw new Error(`the check says ${!expected}, the schema ${expected}, for ${JSON.stringify(json)}`);
      if (expected) accepted++;
      else refused++;
    }),
    { numRuns: options.runs ?? 4_000 },
  );
  const atLeast = options.atLeast ?? 400;
  if (accepted < atLeast || refused < atLeast) throw new Error(`too one-sided to mean much: ${accepted} accepted, ${refused} refused`);
}

/** A copy of `record` with an own `__proto__` key holding `value`, as JSON.parse makes it (an object literal would set the prototype). */
export function withOwnProto(record: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const copy = { ...record };
  Object.defineProperty(copy, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** `value` without one of its fields, chosen by `dice`. */
export function withoutOne(value: Record<string, unknown>, dice: number): Record<string, unknown> {
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const { [keys[dice % keys.length]]: _dropped, ...rest } = value;
  return rest;
}
