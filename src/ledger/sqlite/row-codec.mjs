/**
 * The bytes ledger rows cross to the SQLite worker in. A row is encoded once, as it is recorded,
 * while its values are still in the CPU's cache; a batch is then one block of bytes that moves
 * to the worker without a structured clone walking every value of every row.
 *
 * Plain JavaScript, because the worker (ledger-worker.mjs) imports the decoder and the main
 * thread the encoder: one file keeps the two in step. Types are in row-codec.d.mts.
 *
 * Layout of a row: the number of values (one byte), then per value a tag byte and its payload:
 * null (nothing), a number (float64, little-endian), a string (uint32 byte length, UTF-8) or a
 * bigint (int64).
 */
const NULL = 0;
const NUMBER = 1;
const STRING = 2;
const BIGINT = 3;

/** Rows are written into slabs of this size and handed out as views, one per row. */
const SLAB_BYTES = 64 * 1024;

let slab = Buffer.allocUnsafe(SLAB_BYTES);
let used = 0;

/**
 * The row's bytes, as a view of a shared slab that is never written again (a full slab is
 * replaced, not reused). Throws a TypeError for a value that is not null, a number, a string or
 * a bigint (naming its column when `names` gives the columns), and a RangeError for a bigint
 * outside int64.
 */
export function encodeRow(values, names) {
  if (values.length > 255) throw new RangeError(`a row holds at most 255 values, got ${values.length}`);
  // Room for the worst case: three UTF-8 bytes per UTF-16 unit.
  let room = 1;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    room += typeof value === 'string' ? 5 + 3 * value.length : 9;
  }
  if (used + room > slab.length) {
    slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, room));
    used = 0;
  }
  const start = used;
  let offset = used;
  slab[offset++] = values.length;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === null) {
      slab[offset++] = NULL;
    } else if (typeof value === 'number') {
      slab[offset++] = NUMBER;
      offset = slab.writeDoubleLE(value, offset);
    } else if (typeof value === 'string') {
      slab[offset++] = STRING;
      const length = writeString(value, offset + 4);
      slab.writeUInt32LE(length, offset);
      offset += 4 + length;
    } else if (typeof value === 'bigint') {
      slab[offset++] = BIGINT;
      offset = slab.writeBigInt64LE(value, offset);
    } else {
      throw new TypeError(`column ${names?.[index] ?? index} cannot hold a ${typeof value}`);
    }
  }
  used = offset;
  return slab.subarray(start, offset);
}

/** Short ASCII strings (ids, names, codes: most of a row) are copied by hand; a native call costs more. */
const HAND_COPIED_LENGTH = 64;

/** Writes `value` as UTF-8 at `offset` in the slab; returns the bytes written. */
function writeString(value, offset) {
  const length = value.length;
  if (length <= HAND_COPIED_LENGTH) {
    let index = 0;
    for (; index < length; index++) {
      const code = value.charCodeAt(index);
      if (code > 0x7f) break;
      slab[offset + index] = code;
    }
    if (index === length) return length;
  }
  return slab.write(value, offset, 'utf8');
}

/** Encoded rows back to back in one new buffer of their own, which may be transferred. */
export function joinRows(rows) {
  let total = 0;
  for (const row of rows) total += row.length;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const row of rows) {
    joined.set(row, offset);
    offset += row.length;
  }
  return joined;
}

/** Rows encoded back to back (by `encodeRow`, joined by `joinRows`), as arrays of values. */
export function decodeRows(bytes) {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows = [];
  let offset = 0;
  while (offset < view.length) {
    const count = view[offset++];
    const row = new Array(count);
    for (let index = 0; index < count; index++) {
      const tag = view[offset++];
      if (tag === NULL) {
        row[index] = null;
      } else if (tag === NUMBER) {
        row[index] = view.readDoubleLE(offset);
        offset += 8;
      } else if (tag === STRING) {
        const length = view.readUInt32LE(offset);
        offset += 4;
        row[index] = view.toString('utf8', offset, offset + length);
        offset += length;
      } else if (tag === BIGINT) {
        row[index] = view.readBigInt64LE(offset);
        offset += 8;
      } else {
        throw new Error(`ledger row bytes are corrupt: unknown tag ${tag} at byte ${offset - 1}`);
      }
    }
    rows.push(row);
  }
  return rows;
}
