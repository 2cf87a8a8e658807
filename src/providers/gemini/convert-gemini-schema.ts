/**
 * JSON Schema → Gemini `Schema`, the OpenAPI 3.0 subset that function `parameters` and
 * `responseSchema` accept. Gemini rejects keys it does not know (`additionalProperties`,
 * `$schema`, `$ref`, …) instead of ignoring them, so this keeps a whitelist and rewrites the
 * common JSON Schema idioms into their OpenAPI form:
 * - `type: ['string', 'null']` and `anyOf: [X, { type: 'null' }]` → `nullable: true`;
 * - `oneOf` → `anyOf` (Gemini has no exclusive union; the model is told the same alternatives);
 * - `const` → a one-value `enum`; enum values become strings, as Gemini's `enum` is `string[]`;
 * - local `$ref`s (`#/$defs/…`, `#/definitions/…`) are inlined; a recursive one ends in a bare `OBJECT`;
 *   a definition used many times is converted once per place in the recursion and shared;
 * - `allOf` members are merged into one schema;
 * - `format` is kept only where Gemini gives it meaning (`enum`/`date-time`, `float`/`double`, `int32`/`int64`).
 *
 * Inlining is a copy per reference, so a few kilobytes of definitions that each use the next
 * twice expand exponentially (21 of them made a 62 MB body). The conversion therefore counts the
 * nodes it produces against a budget shared by the whole request and bounds its recursion, and
 * refuses, as the caller's error, a schema past either limit (`GEMINI_SCHEMA_LIMITS`), before
 * any upstream call.
 */
import { JunctionError } from '../../errors';
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

/**
 * What the schemas of one request may expand to. Real tool schemas are far below both: a tool
 * of a few hundred nodes is a large one, and OpenAI allows 128 tools, so 50 000 nodes (about
 * 2-3 MB of JSON sent to Gemini) leaves each of 128 tools room for 390, and a single tool room
 * for a fully inlined Kubernetes pod spec. Repeated `$ref`s are shared, so reaching the limit
 * through them costs next to nothing; through what cannot be shared (type lists, a `$ref` with
 * object keywords beside it) it costs at most about a tenth to a quarter of a second. The
 * recursion goes one level per property, item, union member, `allOf` and `$ref` hop, so a deep
 * real schema (ten levels of optional, referenced objects) uses about thirty of the 100.
 */
export const GEMINI_SCHEMA_LIMITS = { nodes: 50_000, depth: 100 } as const;

/** Schema nodes a request may still produce; one per request, shared by its tools and response format. */
export interface SchemaBudget {
  nodesLeft: number;
}

/** A fresh budget of `GEMINI_SCHEMA_LIMITS.nodes`. */
export function newSchemaBudget(): SchemaBudget {
  return { nodesLeft: GEMINI_SCHEMA_LIMITS.nodes };
}

/** Where a schema comes from, to name it when it is refused, and the request's budget. */
export interface SchemaSource {
  /** The request field, as the error's `param` (`tools[2]`, `response_format`). */
  param: string;
  /** How the message names the schema (`the parameters of tools[2] ('search')`). */
  label: string;
  budget: SchemaBudget;
}

/**
 * Convert a JSON Schema to the Gemini `Schema` subset. Pure; the input is not modified, and
 * the result may share sub-objects (a definition used twice), so it must not be modified
 * either. Throws `invalid_request` past `GEMINI_SCHEMA_LIMITS`.
 */
export function convertJsonSchemaToGeminiSchema(schema: JsonSchema, source: SchemaSource = standalone()): GeminiSchema {
  return convert(schema, { root: schema, resolving: new Set(), source, expansions: new Map(), deepest: 0 }, 0);
}

/**
 * The `parameters` of a function declaration: like {@link convertJsonSchemaToGeminiSchema}, but
 * undefined for an object schema without properties, because Gemini wants a function that takes
 * no arguments to have no `parameters` at all.
 */
export function convertToolParameters(schema: JsonSchema, source: SchemaSource = standalone()): GeminiSchema | undefined {
  const converted = convertJsonSchemaToGeminiSchema(schema, source);
  const empty = converted.type === 'OBJECT' && converted.properties === undefined && converted.anyOf === undefined;
  return empty ? undefined : converted;
}

function standalone(): SchemaSource {
  return { param: 'schema', label: 'the schema', budget: newSchemaBudget() };
}

interface Context {
  root: JsonSchema;
  /** `$ref`s being inlined on the current path, to stop at recursion (in the order entered). */
  resolving: Set<string>;
  source: SchemaSource;
  /** Inlined `$ref`s already converted, by what their result depends on (see `convertRef`). */
  expansions: Map<string, Expansion>;
  /** The deepest recursion level reached so far. */
  deepest: number;
}

/** A converted `$ref`, with what producing it again would cost. */
interface Expansion {
  schema: GeminiSchema;
  nodes: number;
  /** Recursion levels below the `$ref` that it took. */
  height: number;
}

function convert(schema: JsonSchema, context: Context, depth: number): GeminiSchema {
  enter(context, depth, 1);
  if (typeof schema.$ref === 'string') return convertRef(schema, schema.$ref, context, depth);
  if (Array.isArray(schema.allOf)) return convert(mergeAllOf(schema), context, depth + 1);

  const result: GeminiSchema = {};
  for (const key of STRING_KEYS) if (typeof schema[key] === 'string') result[key] = schema[key];
  for (const key of NUMBER_KEYS) if (typeof schema[key] === 'number') result[key] = schema[key];
  if ('default' in schema) result.default = schema.default;
  if ('example' in schema) result.example = schema.example;
  else if (Array.isArray(schema.examples) && schema.examples.length > 0) result.example = schema.examples[0];
  if (schema.nullable === true) result.nullable = true;

  applyType(schema, result, context, depth + 1);
  applyEnum(schema, result);
  applyUnion(schema, result, context, depth + 1);

  if (isSchema(schema.properties)) {
    // fromEntries, not assignment, so that a property named `__proto__` stays a property.
    const properties: Record<string, GeminiSchema> = Object.fromEntries(
      Object.entries(schema.properties)
        .filter((entry): entry is [string, JsonSchema] => isSchema(entry[1]))
        .map(([name, property]) => [name, convert(property, context, depth + 1)]),
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

  if (isSchema(schema.items)) result.items = convert(schema.items, context, depth + 1);
  // A draft-07 tuple (`items: [A, B]`) cannot be said in OpenAPI 3.0; any of its members is the nearest.
  else if (Array.isArray(schema.items)) result.items = { anyOf: schema.items.filter(isSchema).map((item) => convert(item, context, depth + 1)) };

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
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (schema[key] !== undefined) ordered[key] = schema[key];
  return ordered as GeminiSchema;
}

function applyType(schema: JsonSchema, result: GeminiSchema, context: Context, depth: number): void {
  const declared = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  const types = declared.filter((type): type is string => typeof type === 'string' && type in TYPES);
  const nonNull = types.filter((type) => type !== 'null');
  if (types.includes('null') && nonNull.length > 0) result.nullable = true;
  if (nonNull.length === 0 && types.length > 0) result.type = 'NULL';
  else if (nonNull.length === 1) result.type = TYPES[nonNull[0]];
  // Several types (`['string', 'number']`) become one alternative per type.
  else if (nonNull.length > 1) result.anyOf = nonNull.map((type) => convert({ ...schema, type, description: undefined, title: undefined }, context, depth));
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

function applyUnion(schema: JsonSchema, result: GeminiSchema, context: Context, depth: number): void {
  if (!Array.isArray(schema.anyOf) && !Array.isArray(schema.oneOf)) return;
  const members = [...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])].filter(isSchema);
  if (members.length === 0) return;
  const isNull = (member: JsonSchema): boolean => member.type === 'null';
  const others = members.filter((member) => !isNull(member));
  if (others.length < members.length) result.nullable = true;
  if (others.length === 1) {
    // `X | null` is the common case (optional fields from zod, pydantic): fold X in, keep the outer description.
    const inner = convert(others[0], context, depth);
    Object.assign(result, { ...inner, ...result });
    return;
  }
  if (others.length > 1) result.anyOf = others.map((member) => convert(member, context, depth));
}

/**
 * Inline a `$ref`. What it converts to depends only on the reference, the keywords beside it
 * and the references being inlined around it (where recursion is cut), so the result is kept
 * under those and shared by every other place with the same ones: the two uses of a definition
 * inside another are converted once. A reused result still counts its nodes against the budget
 * and its height against the depth, as a copy would, since it is sent as a copy.
 */
function convertRef(schema: JsonSchema, ref: string, context: Context, depth: number): GeminiSchema {
  const siblings = { ...schema };
  delete siblings.$ref;
  if (context.resolving.has(ref)) return { type: 'OBJECT', ...(typeof schema.description === 'string' ? { description: schema.description } : {}) };
  const target = resolvePointer(context.root, ref);
  if (target === undefined) return convert(siblings, context, depth + 1);
  const key = expansionKey(ref, siblings, context.resolving);
  const known = key === undefined ? undefined : context.expansions.get(key);
  if (known !== undefined) {
    enter(context, depth + known.height, known.nodes);
    return known.schema;
  }
  const nodesBefore = context.source.budget.nodesLeft;
  const deepestBefore = context.deepest;
  context.deepest = depth;
  context.resolving.add(ref);
  try {
    // Keywords next to `$ref` (usually a description) refine the target.
    const converted = convert({ ...target, ...siblings }, context, depth + 1);
    if (key !== undefined) context.expansions.set(key, { schema: converted, nodes: nodesBefore - context.source.budget.nodesLeft, height: context.deepest - depth });
    return converted;
  } finally {
    context.resolving.delete(ref);
    context.deepest = Math.max(context.deepest, deepestBefore);
  }
}

/**
 * The key a converted `$ref` is kept under, or undefined not to keep it: when keywords beside
 * the reference are anything but a few short strings or numbers (a description, a default),
 * keying on them would cost more than converting again.
 */
function expansionKey(ref: string, siblings: JsonSchema, resolving: Set<string>): string | undefined {
  const key = [...resolving, ref].join('\u0000');
  const names = Object.keys(siblings);
  if (names.length === 0) return key;
  if (names.length > 4) return undefined;
  for (const name of names) {
    const value = siblings[name];
    if (!(typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 1_000))) return undefined;
  }
  return key + '\u0001' + JSON.stringify(siblings);
}

/** Account for entering recursion level `depth` and producing `nodes` nodes; refuse past the limits. */
function enter(context: Context, depth: number, nodes: number): void {
  const { source } = context;
  if (depth > GEMINI_SCHEMA_LIMITS.depth) {
    throw new JunctionError(
      'invalid_request',
      `${capitalised(source.label)} nests deeper than ${GEMINI_SCHEMA_LIMITS.depth} levels once its $refs are inlined, which is more than Junction converts for Gemini.`,
      { param: source.param },
    );
  }
  if (depth > context.deepest) context.deepest = depth;
  source.budget.nodesLeft -= nodes;
  if (source.budget.nodesLeft < 0) {
    throw new JunctionError(
      'invalid_request',
      `${capitalised(source.label)} expands to more than ${GEMINI_SCHEMA_LIMITS.nodes} schema nodes (with the request's other schemas) once its $refs are inlined: Gemini takes no $ref, so every use of a definition becomes a copy. Use each definition in fewer places or flatten the schema.`,
      { param: source.param },
    );
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
