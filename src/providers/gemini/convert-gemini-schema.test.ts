import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../canonical/types';
import { convertJsonSchemaToGeminiSchema, convertToolParameters } from './convert-gemini-schema';
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
