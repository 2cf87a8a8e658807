/**
 * JSON Schema → Gemini `Schema`, the OpenAPI 3.0 subset that function `parameters` and
 * `responseSchema` accept. Gemini rejects keys it does not know (`additionalProperties`,
 * `$schema`, `$ref`, …) instead of ignoring them, so this keeps a whitelist and rewrites the
 * common JSON Schema idioms into their OpenAPI form:
 * - `type: ['string', 'null']` and `anyOf: [X, { type: 'null' }]` → `nullable: true`;
 * - `oneOf` → `anyOf` (Gemini has no exclusive union; the model is told the same alternatives);
 * - `const` → a one-value `enum`; enum values become strings, as Gemini's `enum` is `string[]`;
 * - local `$ref`s (`#/$defs/…`, `#/definitions/…`) are inlined; a recursive one ends in a bare `OBJECT`;
 * - `allOf` members are merged into one schema;
 * - `format` is kept only where Gemini gives it meaning (`enum`/`date-time`, `float`/`double`, `int32`/`int64`).
 */
import type { JsonSchema } from '../../canonical/types';
import type { GeminiSchema, GeminiSchemaType } from './gemini-api';

const TYPES: Readonly<Record<string, GeminiSchemaType>> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
  null: 'NULL',
};

const FORMATS: Readonly<Partial<Record<GeminiSchemaType, readonly string[]>>> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

const NUMBER_KEYS = ['minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;
const STRING_KEYS = ['title', 'description', 'pattern'] as const;

/** Convert a JSON Schema to the Gemini `Schema` subset. Pure; the input is not modified. */
export function convertJsonSchemaToGeminiSchema(schema: JsonSchema): GeminiSchema {
  return convert(schema, { root: schema, resolving: new Set() });
}

/**
 * The `parameters` of a function declaration: like {@link convertJsonSchemaToGeminiSchema}, but
 * undefined for an object schema without properties, because Gemini wants a function that takes
 * no arguments to have no `parameters` at all.
 */
export function convertToolParameters(schema: JsonSchema): GeminiSchema | undefined {
  const converted = convertJsonSchemaToGeminiSchema(schema);
  const empty = converted.type === 'OBJECT' && converted.properties === undefined && converted.anyOf === undefined;
  return empty ? undefined : converted;
}

interface Context {
  root: JsonSchema;
  /** `$ref`s being inlined on the current path, to stop at recursion. */
  resolving: Set<string>;
}

function convert(schema: JsonSchema, context: Context): GeminiSchema {
  if (typeof schema.$ref === 'string') return convertRef(schema, schema.$ref, context);
  if (Array.isArray(schema.allOf)) return convert(mergeAllOf(schema), context);

  const result: GeminiSchema = {};
  for (const key of STRING_KEYS) if (typeof schema[key] === 'string') result[key] = schema[key];
  for (const key of NUMBER_KEYS) if (typeof schema[key] === 'number') result[key] = schema[key];
  if ('default' in schema) result.default = schema.default;
  if ('example' in schema) result.example = schema.example;
  else if (Array.isArray(schema.examples) && schema.examples.length > 0) result.example = schema.examples[0];
  if (schema.nullable === true) result.nullable = true;

  applyType(schema, result, context);
  applyEnum(schema, result);
  applyUnion(schema, result, context);

  if (isSchema(schema.properties)) {
    // fromEntries, not assignment, so that a property named `__proto__` stays a property.
    const properties: Record<string, GeminiSchema> = Object.fromEntries(
      Object.entries(schema.properties)
        .filter((entry): entry is [string, JsonSchema] => isSchema(entry[1]))
        .map(([name, property]) => [name, convert(property, context)]),
    );
    if (Object.keys(properties).length > 0) result.properties = properties;
    if (Array.isArray(schema.required)) {
      // Gemini refuses a required name that is not among the properties.
      const required = schema.required.filter((name): name is string => typeof name === 'string' && Object.hasOwn(properties, name));
      if (required.length > 0) result.required = required;
    }
    if (Array.isArray(schema.propertyOrdering)) {
      result.propertyOrdering = schema.propertyOrdering.filter((name): name is string => typeof name === 'string' && Object.hasOwn(properties, name));
    }
  }

  if (isSchema(schema.items)) result.items = convert(schema.items, context);
  // A draft-07 tuple (`items: [A, B]`) cannot be said in OpenAPI 3.0; any of its members is the nearest.
  else if (Array.isArray(schema.items)) result.items = { anyOf: schema.items.filter(isSchema).map((item) => convert(item, context)) };

  if (result.type === undefined && result.anyOf === undefined) {
    if (result.properties !== undefined) result.type = 'OBJECT';
    else if (result.items !== undefined) result.type = 'ARRAY';
  }
  if (result.format === undefined && typeof schema.format === 'string' && result.type !== undefined) {
    if (FORMATS[result.type]?.includes(schema.format)) result.format = schema.format;
  }
  return inReadingOrder(result);
}

const KEY_ORDER: ReadonlyArray<keyof GeminiSchema> = [
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'properties', 'required', 'propertyOrdering', 'items',
  'anyOf', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minProperties',
  'maxProperties', 'default', 'example',
];

/** Same keys, type first: request snapshots and logs read better, and Gemini does not care. */
function inReadingOrder(schema: GeminiSchema): GeminiSchema {
  return Object.fromEntries(KEY_ORDER.filter((key) => schema[key] !== undefined).map((key) => [key, schema[key]]));
}

function applyType(schema: JsonSchema, result: GeminiSchema, context: Context): void {
  const declared = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  const types = declared.filter((type): type is string => typeof type === 'string' && type in TYPES);
  const nonNull = types.filter((type) => type !== 'null');
  if (types.includes('null') && nonNull.length > 0) result.nullable = true;
  if (nonNull.length === 0 && types.length > 0) result.type = 'NULL';
  else if (nonNull.length === 1) result.type = TYPES[nonNull[0]];
  // Several types (`['string', 'number']`) become one alternative per type.
  else if (nonNull.length > 1) result.anyOf = nonNull.map((type) => convert({ ...schema, type, description: undefined, title: undefined }, context));
}

function applyEnum(schema: JsonSchema, result: GeminiSchema): void {
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  if (values === undefined) return;
  if (values.includes(null)) result.nullable = true;
  const strings = values.filter((value) => value !== null).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  if (strings.length === 0) return;
  result.enum = strings;
  if (result.type === undefined) result.type = 'STRING';
  // Gemini's documented way to mark a string enum.
  if (result.type === 'STRING') result.format = 'enum';
}

function applyUnion(schema: JsonSchema, result: GeminiSchema, context: Context): void {
  const members = [...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])].filter(isSchema);
  if (members.length === 0) return;
  const isNull = (member: JsonSchema): boolean => member.type === 'null';
  const others = members.filter((member) => !isNull(member));
  if (others.length < members.length) result.nullable = true;
  if (others.length === 1) {
    // `X | null` is the common case (optional fields from zod, pydantic): fold X in, keep the outer description.
    const inner = convert(others[0], context);
    Object.assign(result, { ...inner, ...result });
    return;
  }
  if (others.length > 1) result.anyOf = others.map((member) => convert(member, context));
}

function convertRef(schema: JsonSchema, ref: string, context: Context): GeminiSchema {
  const siblings = { ...schema };
  delete siblings.$ref;
  if (context.resolving.has(ref)) return { type: 'OBJECT', ...(typeof schema.description === 'string' ? { description: schema.description } : {}) };
  const target = resolvePointer(context.root, ref);
  if (target === undefined) return convert(siblings, context);
  context.resolving.add(ref);
  try {
    // Keywords next to `$ref` (usually a description) refine the target.
    return convert({ ...target, ...siblings }, context);
  } finally {
    context.resolving.delete(ref);
  }
}

/** Resolve a local JSON pointer (`#/$defs/Address`); remote references are not followed. */
function resolvePointer(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((segment) => segment !== '')) {
    const segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isSchema(node) || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return isSchema(node) ? node : undefined;
}

/** Fold `allOf` members into their parent: properties and required names add up, other keys: first one wins. */
function mergeAllOf(schema: JsonSchema): JsonSchema {
  const { allOf, ...rest } = schema;
  const merged: JsonSchema = { ...rest };
  for (const member of (allOf as unknown[]).filter(isSchema)) {
    for (const [key, value] of Object.entries(member)) {
      if (key === 'properties' && isSchema(value)) merged.properties = { ...(isSchema(merged.properties) ? merged.properties : {}), ...value };
      else if (key === 'required' && Array.isArray(value)) merged.required = [...(Array.isArray(merged.required) ? merged.required : []), ...value];
      else if (!Object.hasOwn(merged, key)) merged[key] = value;
    }
  }
  return merged;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
