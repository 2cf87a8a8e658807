import type { JsonSchema } from '../../../canonical/types';

/**
 * Definitions D0…D(levels-1), each an object whose two properties both use the next; the last
 * is a string. Tiny as written, 2^levels leaves once every `$ref` is inlined: with 21 levels,
 * 2 KB of JSON that once became a 62 MB request to Gemini.
 */
export function doublingSchema(levels: number): JsonSchema {
  const $defs: Record<string, JsonSchema> = { [`D${levels}`]: { type: 'string' } };
  for (let level = 0; level < levels; level++) {
    $defs[`D${level}`] = { type: 'object', properties: { left: { $ref: `#/$defs/D${level + 1}` }, right: { $ref: `#/$defs/D${level + 1}` } } };
  }
  return { type: 'object', properties: { root: { $ref: '#/$defs/D0' } }, $defs };
}
