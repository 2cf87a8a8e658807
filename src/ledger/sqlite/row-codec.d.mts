/** Types of row-codec.mjs (plain JavaScript, shared with the ledger's worker thread). */
export type RowValue = string | number | bigint | null;

export declare function encodeRow(values: readonly RowValue[], names?: readonly string[]): Buffer;
export declare function joinRows(rows: readonly Uint8Array[]): Uint8Array<ArrayBuffer>;
export declare function decodeRows(bytes: Uint8Array): RowValue[][];
