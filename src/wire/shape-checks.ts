/**
 * Building blocks for hand-written checks of hot wire bodies (the caller's chat request, the
 * upstream's answer and stream chunks). zod stays the definition and the source of every error
 * message; a check is the fast way to say "valid" for a body zod would accept, and each one is
 * property-tested to agree with its schema on JSON input. Inputs are JSON.parse output, so
 * objects are plain and numbers finite.
 */

/** A check of one value. */
export type Check = (value: unknown) => boolean;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

/** One of the given values (zod's `z.literal` or `z.enum`). */
export function oneOf(...values: readonly unknown[]): Check {
  return values.length === 1 ? (value) => value === values[0] : (value) => values.includes(value);
}

/** Absent or null passes; anything else must pass `check` (zod's `.nullish()`). */
export function nullish(check: Check): Check {
  return (value) => value == null || check(value);
}

/** Absent passes, null does not (zod's `.optional()`). */
export function optional(check: Check): Check {
  return (value) => value === undefined || check(value);
}

/** A number within [min, max] (either bound may be omitted). */
export function numberIn(min: number, max = Number.POSITIVE_INFINITY): Check {
  return (value) => isNumber(value) && value >= min && value <= max;
}

/** A safe integer of at least `min` (zod's `z.int().min(min)`). */
export function integerFrom(min: number): Check {
  return (value) => Number.isSafeInteger(value) && (value as number) >= min;
}

/** An array of at least `min` items, each passing `check`. */
export function arrayOf(check: Check, min = 0): Check {
  return (value) => {
    if (!Array.isArray(value) || value.length < min) return false;
    for (let index = 0; index < value.length; index++) if (!check(value[index])) return false;
    return true;
  };
}

/** An object whose every value passes `check` (zod's `z.record(z.string(), ...)`). */
export function recordOf(check: Check): Check {
  return (value) => {
    if (!isObject(value)) return false;
    for (const key in value) if (Object.hasOwn(value, key) && !check(value[key])) return false;
    return true;
  };
}

/**
 * For wide objects of which a body sends few fields: walks the body's own keys rather than the
 * list. `optionalFields` must all accept `undefined`; `required` fields are checked as given.
 */
export function sparseObjectOf(required: Record<string, Check>, optionalFields: Record<string, Check>): (value: unknown) => value is Record<string, unknown> {
  const present = objectOf(required);
  const checks = new Map(Object.entries(optionalFields));
  return (value): value is Record<string, unknown> => {
    if (!present(value)) return false;
    for (const key in value) {
      const check = checks.get(key);
      if (check !== undefined && Object.hasOwn(value, key) && !check(value[key])) return false;
    }
    return true;
  };
}

/**
 * An object whose fields pass their checks; fields absent from `fields` are ignored (zod strips
 * them), and a field listed but absent is checked as `undefined`, so `optional`/`nullish` decide.
 */
export function objectOf(fields: Record<string, Check>): (value: unknown) => value is Record<string, unknown> {
  const entries = Object.entries(fields);
  return (value): value is Record<string, unknown> => {
    if (!isObject(value)) return false;
    for (let index = 0; index < entries.length; index++) if (!entries[index][1](value[entries[index][0]])) return false;
    return true;
  };
}

/**
 * zod's `z.record(z.string(), z.unknown())` for a record the reader passes on whole (a JSON
 * schema, a tool's input). zod leaves an own `__proto__` key out of its copy, so an object that
 * carries one is refused here and zod's copy is read instead: the output is the same either way.
 */
export function isUnknownRecord(value: unknown): value is Record<string, unknown> {
  return isObject(value) && !Object.hasOwn(value, '__proto__');
}
