import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRows, encodeRow, joinRows, type RowValue } from './row-codec.mjs';

// Every value SQLite binds: null, any double (NaN, -0 and the infinities too), text in any
// script, and bigints within int64.
const value: fc.Arbitrary<RowValue> = fc.oneof(
  fc.constant(null),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  // Long ASCII, and ASCII that turns non-ASCII part way: both leave the hand-copied path.
  fc.string({ unit: 'binary-ascii', minLength: 60, maxLength: 200 }),
  fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\u0000'), maxLength: 70 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);
const row = fc.array(value, { maxLength: 30 });

describe('row codec', () => {
  it('decodes what it encoded, value for value, rows in order', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
        const decoded = decodeRows(joinRows(rows.map((values) => encodeRow(values))));
        expect(decoded).toHaveLength(rows.length);
        decoded.forEach((values, index) => {
          expect(values).toHaveLength(rows[index].length);
          // Object.is: -0 stays -0 and NaN stays NaN.
          values.forEach((decodedValue, column) => expect(Object.is(decodedValue, rows[index][column])).toBe(true));
        });
      }),
    );
  });

  it('never overwrites a row already handed out, across many slabs', () => {
    const long = 'é'.repeat(20_000);
    const encoded = Array.from({ length: 40 }, (_, index) => ({ values: [`row-${index}`, index, long], bytes: encodeRow([`row-${index}`, index, long]) }));
    for (const { values, bytes } of encoded) expect(decodeRows(bytes)).toEqual([values]);
  });

  it('joins rows into one buffer of their own, so transferring it leaves the slab alone', () => {
    const first = encodeRow(['a', 1]);
    const joined = joinRows([first, encodeRow(['b', 2])]);
    expect(joined.byteOffset).toBe(0);
    expect(joined.buffer.byteLength).toBe(joined.byteLength);
    structuredClone(joined, { transfer: [joined.buffer] });
    expect(decodeRows(first)).toEqual([['a', 1]]);
  });

  it('refuses values SQLite cannot bind, and bigints outside int64', () => {
    expect(() => encodeRow(['ok', true as unknown as RowValue])).toThrow(TypeError);
    expect(() => encodeRow([(() => 1) as unknown as RowValue])).toThrow(/function/);
    expect(() => encodeRow(['ok', true as unknown as RowValue], ['id', 'stream'])).toThrow('column stream cannot hold a boolean');
    expect(() => encodeRow([2n ** 63n])).toThrow(RangeError);
  });

  it('says so when bytes are not rows', () => {
    expect(() => decodeRows(Uint8Array.from([1, 9]))).toThrow(/corrupt/);
  });
});
