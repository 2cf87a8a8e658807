/**
 * Which keys the schema allows at a path, so an unknown key can be answered with
 * "did you mean …". Walks the zod schema the same way the data is walked.
 */
import { z } from 'zod';
import type { ConfigPath } from './config-path';

export function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return [];
    current = current === undefined ? undefined : unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/** Strip optional/default wrappers down to the schema that describes the value. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
    current = current.def.innerType as z.ZodType;
  }
  return current;
}
