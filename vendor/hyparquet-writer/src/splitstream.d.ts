import type { DecodedArray, ParquetType } from 'hyparquet';
import type { Writer } from '../src/types.js';
/**
 * Write values using BYTE_STREAM_SPLIT encoding.
 * This encoding writes all first bytes of values, then all second bytes, etc.
 * Can improve compression for floating-point and fixed-width numeric data.
 *
 * @import {DecodedArray, ParquetType} from 'hyparquet'
 * @import {Writer} from '../src/types.js'
 * @param {Writer} writer
 * @param {DecodedArray} values
 * @param {ParquetType} type
 * @param {number | undefined} typeLength
 */
export declare function writeByteStreamSplit(writer: Writer, values: DecodedArray, type: ParquetType, typeLength: number | undefined): void;
//# sourceMappingURL=splitstream.d.ts.map