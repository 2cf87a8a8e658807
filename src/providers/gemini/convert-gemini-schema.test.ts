import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../errors';
import type { JsonSchema } from '../../canonical/types';
import { doublingSchema } from './__fixtures__/expanding-schemas';
import { convertJsonSchemaToGeminiSchema, convertToolParameters, GEMINI_SCHEMA_LIMITS, newSchemaBudget } from './convert-gemini-schema';
import type { GeminiSchema } from './gemini-api';

describe('convertJsonSchemaToGeminiSchema', () => {
  it.each<[string, JsonSchema, GeminiSchema]>([
    ['primitive types in upper case', { type: 'boolean' }, { type: 'BOOLEAN' }],
    [
      'drops keys Gemini refuses',
      { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'x', type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false, $comment: 'c', patternProperties: {}, not: {} },
      { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
    ],
    ['type with null becomes nullable', { type: ['string', 'null'] }, { type: 'STRING', nullable: true }],
    ['only null', { type: 'null' }, { type: 'NULL' }],
    ['several types become anyOf', { type: ['string', 'integer'], description: 'id' }, { description: 'id', anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] }],
    ['anyOf X | null folds into X', { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }], description: 'price' }, { type: 'NUMBER', description: 'price', nullable: true, minimum: 0 }],
    ['oneOf becomes anyOf', { oneOf: [{ type: 'string' }, { type: 'number' }] }, { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] }],
    ['string enum gets format enum', { type: 'string', enum: ['a', 'b'] }, { type: 'STRING', format: 'enum', enum: ['a', 'b'] }],
    ['enum without type is a string enum', { enum: ['x'] }, { type: 'STRING', format: 'enum', enum: ['x'] }],
    ['null in an enum makes it nullable', { type: ['string', 'null'], enum: ['on', 'off', null] }, { type: 'STRING', format: 'enum', nullable: true, enum: ['on', 'off'] }],
    ['integer enum values become strings', { type: 'integer', enum: [1, 2, 3] }, { type: 'INTEGER', enum: ['1', '2', '3'] }],
    ['const becomes a one-value enum', { const: 'fixed' }, { type: 'STRING', format: 'enum', enum: ['fixed'] }],
    ['unsupported string format dropped', { type: 'string', format: 'email' }, { type: 'STRING' }],
    ['date-time kept', { type: 'string', format: 'date-time' }, { type: 'STRING', format: 'date-time' }],
    ['int64 kept on integers only', { type: 'string', format: 'int64' }, { type: 'STRING' }],
    ['type inferred from properties', { properties: { a: { type: 'string' } } }, { type: 'OBJECT', properties: { a: { type: 'STRING' } } }],
    ['type inferred from items', { items: { type: 'string' } }, { type: 'ARRAY', items: { type: 'STRING' } }],
    ['tuple items become anyOf', { type: 'array', items: [{ type: 'string' }, { type: 'number' }] }, { type: 'ARRAY', items: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] } }],
    [
      'required names without a property are dropped',
      { type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost', 'toString'] },
      { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] },
    ],
    ['empty properties left out', { type: 'object', properties: {} }, { type: 'OBJECT' }],
    ['examples give the first example', { type: 'string', examples: ['x', 'y'] }, { type: 'STRING', example: 'x' }],
    [
      'exclusive bounds, multipleOf and uniqueItems dropped',
      { type: 'array', items: { type: 'number', exclusiveMinimum: 0, multipleOf: 2 }, uniqueItems: true, minItems: 1 },
      { type: 'ARRAY', items: { type: 'NUMBER' }, minItems: 1 },
    ],
    [
      'allOf members merged',
      { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer' } }, required: ['b'] }] },
      { type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'INTEGER' } }, required: ['a', 'b'] },
    ],
    [
      'local $ref inlined with its sibling description',
      { type: 'object', properties: { home: { $ref: '#/definitions/place', description: 'Home' } }, definitions: { place: { type: 'string', description: 'A place' } } },
      { type: 'OBJECT', properties: { home: { type: 'STRING', description: 'Home' } } },
    ],
    ['remote $ref left as its siblings', { $ref: 'https://example.com/schema.json', description: 'remote' }, { description: 'remote' }],
    [
      'every supported key survives, type first',
      {
        type: 'string', format: 'enum', title: 'T', description: 'D', nullable: true, enum: ['a'], pattern: '^a$', minLength: 1, maxLength: 2, default: 'a', example: 'a',
      },
      { type: 'STRING', format: 'enum', title: 'T', description: 'D', nullable: true, enum: ['a'], pattern: '^a$', minLength: 1, maxLength: 2, default: 'a', example: 'a' },
    ],
    [
      'object bounds and ordering survive',
      { type: 'object', properties: { b: { type: 'string' }, a: { type: 'string' } }, propertyOrdering: ['b', 'a', 'z'], minProperties: 1, maxProperties: 2 },
      { type: 'OBJECT', properties: { b: { type: 'STRING' }, a: { type: 'STRING' } }, propertyOrdering: ['b', 'a'], minProperties: 1, maxProperties: 2 },
    ],
  ])('%s', (_name, input, expected) => {
    const converted = convertJsonSchemaToGeminiSchema(input);
    expect(converted).toEqual(expected);
    if (converted.type !== undefined) expect(Object.keys(converted)[0]).toBe('type');
  });

  it('ends a recursive $ref in a bare object instead of looping', () => {
    const tree: JsonSchema = {
      $ref: '#/$defs/node',
      $defs: { node: { type: 'object', properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
    };
    expect(convertJsonSchemaToGeminiSchema(tree)).toEqual({
      type: 'OBJECT',
      properties: { value: { type: 'STRING' }, children: { type: 'ARRAY', items: { type: 'OBJECT' } } },
    });
  });

  it('keeps a property named __proto__ as a property', () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}') as JsonSchema;
    const converted = convertJsonSchemaToGeminiSchema(schema);
    expect(Object.keys(converted.properties ?? {})).toEqual(['__proto__']);
    expect(converted.required).toEqual(['__proto__']);
  });

  it('does not modify its input', () => {
    const input: JsonSchema = { type: 'object', properties: { a: { type: ['string', 'null'] } }, additionalProperties: false };
    const copy = structuredClone(input);
    convertJsonSchemaToGeminiSchema(input);
    expect(input).toEqual(copy);
  });
});

describe('convertToolParameters', () => {
  it.each<[string, JsonSchema, GeminiSchema | undefined]>([
    ['no properties: no parameters', { type: 'object', properties: {}, additionalProperties: false }, undefined],
    ['bare object: no parameters', { type: 'object' }, undefined],
    ['with properties: converted', { type: 'object', properties: { q: { type: 'string' } } }, { type: 'OBJECT', properties: { q: { type: 'STRING' } } }],
  ])('%s', (_name, input, expected) => {
    expect(convertToolParameters(input)).toEqual(expected);
  });
});

/** What `doublingSchema(levels)` converts to below `root`. */
function doubled(levels: number): GeminiSchema {
  if (levels === 0) return { type: 'STRING' };
  const next = doubled(levels - 1);
  return { type: 'OBJECT', properties: { left: next, right: next } };
}

function refusal(convert: () => unknown): { code: string; param?: string; message: string } {
  try {
    convert();
  } catch (error) {
    if (isJunctionError(error)) return { code: error.code, param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected the schema to be refused');
}

describe('$ref expansion limits', () => {
  const source = () => ({ param: 'tools[0]', label: "the parameters schema of tools[0] ('search')", budget: newSchemaBudget() });

  it('converts a definition used twice once and shares the result, equal to its full expansion', () => {
    const converted = convertToolParameters(doublingSchema(10), source())!;
    const root = converted.properties!.root;
    expect(root).toEqual(doubled(10));
    // The same object, not an equal copy: the second use cost no conversion.
    expect(root.properties!.left).toBe(root.properties!.right);
  });

  it('refuses 21 definitions that each use the next twice (a 2 KB schema, 62 MB expanded) with a 400 naming the field, not echoing the schema', () => {
    const schema = doublingSchema(21);
    expect(JSON.stringify(schema).length).toBeLessThan(2_500);
    const refused = refusal(() => convertToolParameters(schema, source()));
    expect(refused).toMatchObject({ code: 'invalid_request', param: 'tools[0]' });
    expect(refused.message).toContain(`The parameters schema of tools[0] ('search') expands to more than ${GEMINI_SCHEMA_LIMITS.nodes} schema nodes`);
    expect(refused.message).not.toContain('$defs/D');
    expect(refused.message.length).toBeLessThan(400);
  });

  it('stops at the node limit however the nodes multiply, $ref or not', () => {
    // Six types at each of ten levels: 6^10 alternatives, without a single $ref.
    let schema: JsonSchema = { type: 'string' };
    for (let level = 0; level < 10; level++) schema = { type: ['string', 'number', 'integer', 'boolean', 'array', 'object'], items: schema };
    const budget = newSchemaBudget();
    expect(refusal(() => convertJsonSchemaToGeminiSchema(schema, { param: 'response_format', label: 'the response_format schema', budget }))).toMatchObject({
      code: 'invalid_request',
      param: 'response_format',
    });
    // It stopped where the budget ran out, not after producing the rest.
    expect(budget.nodesLeft).toBe(-1);
  });

  it.each([
    ['a chain of $refs', chainSchema(GEMINI_SCHEMA_LIMITS.depth + 10)],
    ['nested items without $refs', nestedItems(5_000)],
  ])('refuses %s deeper than the depth limit, before the stack runs out', (_name, schema) => {
    const refused = refusal(() => convertToolParameters(schema, source()));
    expect(refused).toMatchObject({ code: 'invalid_request', param: 'tools[0]' });
    expect(refused.message).toContain(`nests deeper than ${GEMINI_SCHEMA_LIMITS.depth} levels`);
  });

  it('converts a chain of $refs well within the depth limit', () => {
    expect(convertToolParameters(chainSchema(20), source())).toMatchObject({ type: 'OBJECT' });
  });

  it('shares one budget among the schemas of a request', () => {
    const budget = newSchemaBudget();
    const one = () => convertToolParameters(doublingSchema(12), { param: 'tools[0]', label: 'one tool', budget });
    one();
    const perTool = GEMINI_SCHEMA_LIMITS.nodes - budget.nodesLeft;
    // Another request's budget would take each of them; this one runs out on the one past it.
    const fitting = Math.floor(GEMINI_SCHEMA_LIMITS.nodes / perTool);
    for (let tool = 1; tool < fitting; tool++) one();
    expect(refusal(one).code).toBe('invalid_request');
    expect(convertToolParameters(doublingSchema(12), source())).toBeDefined();
  });

  it('gives the same result as converting the schema with every $ref inlined by hand, recursion included', () => {
    fc.assert(
      fc.property(referencingSchema, (schema) => {
        expect(convertJsonSchemaToGeminiSchema(schema)).toEqual(convertJsonSchemaToGeminiSchema(inlined(schema, schema, [])));
      }),
      { numRuns: 300 },
    );
  });
});

/** `{ $ref: L0 }`, L0 an object whose one property is `{ $ref: L1 }`, and so on `length` times. */
function chainSchema(length: number): JsonSchema {
  const $defs: Record<string, JsonSchema> = { [`L${length}`]: { type: 'string' } };
  for (let link = 0; link < length; link++) $defs[`L${link}`] = { type: 'object', properties: { next: { $ref: `#/$defs/L${link + 1}` } } };
  return { type: 'object', properties: { start: { $ref: '#/$defs/L0' } }, $defs };
}

function nestedItems(depth: number): JsonSchema {
  let schema: JsonSchema = { type: 'string' };
  for (let level = 0; level < depth; level++) schema = { type: 'array', items: schema };
  return { type: 'object', properties: { deep: schema } };
}

// Up to four definitions whose properties use each other (cycles included), with or without a
// description beside the reference, directly, as array items or as `X | null`.
const definitionNames = ['A', 'B', 'C', 'D'];
const reference = fc.record({ name: fc.constantFrom(...definitionNames), description: fc.option(fc.constantFrom('first', 'second'), { nil: undefined }) });
const propertySchema: fc.Arbitrary<JsonSchema> = fc.oneof(
  fc.constant<JsonSchema>({ type: 'string' }),
  reference.map(({ name, description }) => ({ $ref: `#/$defs/${name}`, ...(description === undefined ? {} : { description }) })),
  reference.map(({ name }) => ({ type: 'array', items: { $ref: `#/$defs/${name}` } })),
  reference.map(({ name }) => ({ anyOf: [{ $ref: `#/$defs/${name}` }, { type: 'null' }] })),
);
const objectSchema = fc.dictionary(fc.constantFrom('p', 'q', 'r'), propertySchema, { minKeys: 1, maxKeys: 3 }).map((properties): JsonSchema => ({ type: 'object', properties }));
const referencingSchema: fc.Arbitrary<JsonSchema> = fc
  .record({ root: objectSchema, definitions: fc.tuple(objectSchema, objectSchema, objectSchema, objectSchema) })
  .map(({ root, definitions }) => ({ ...root, $defs: Object.fromEntries(definitionNames.map((name, index) => [name, definitions[index]])) }));

/** The schema with every local `$ref` replaced by its target, as the converter defines it: recursion ends in a bare object. */
function inlined(node: JsonSchema, root: JsonSchema, path: string[]): JsonSchema {
  if (typeof node.$ref === 'string') {
    const { $ref, ...siblings } = node;
    if (path.includes($ref)) return { type: 'object', ...(typeof node.description === 'string' ? { description: node.description } : {}) };
    const target = (root.$defs as Record<string, JsonSchema>)[$ref.slice('#/$defs/'.length)];
    return inlined({ ...target, ...siblings }, root, [...path, $ref]);
  }
  const copy: JsonSchema = { ...node };
  delete copy.$defs;
  if (node.properties !== undefined) copy.properties = Object.fromEntries(Object.entries(node.properties as Record<string, JsonSchema>).map(([name, value]) => [name, inlined(value, root, path)]));
  if (node.items !== undefined) copy.items = inlined(node.items as JsonSchema, root, path);
  if (Array.isArray(node.anyOf)) copy.anyOf = (node.anyOf as JsonSchema[]).map((member) => inlined(member, root, path));
  return copy;
}
