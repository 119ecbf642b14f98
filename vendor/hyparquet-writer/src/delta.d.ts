/**
 * Delta Binary Packed encoding for parquet.
 * Encodes integers as deltas with variable bit-width packing.
 *
 * @import {DecodedArray} from 'hyparquet'
 * @import {Writer} from '../src/types.js'
 */
import type { DecodedArray } from 'hyparquet';
import type { Writer } from '../src/types.js';
/**
 * Write values using delta binary packed encoding.
 * Deltas wrap around in two's complement at the width of the physical type.
 *
 * @param {Writer} writer
 * @param {DecodedArray} values
 * @param {'INT32' | 'INT64'} type
 */
export declare function deltaBinaryPack(writer: Writer, values: DecodedArray, type: 'INT32' | 'INT64'): void;
/**
 * Write byte arrays using delta length encoding.
 * Encodes lengths using delta binary packed, then writes raw bytes.
 *
 * @param {Writer} writer
 * @param {DecodedArray} values
 */
export declare function deltaLengthByteArray(writer: Writer, values: DecodedArray): void;
/**
 * Write byte arrays using delta encoding with prefix compression.
 * Stores common prefixes with previous value to improve compression.
 *
 * @param {Writer} writer
 * @param {DecodedArray} values
 */
export declare function deltaByteArray(writer: Writer, values: DecodedArray): void;
//# sourceMappingURL=delta.d.ts.map