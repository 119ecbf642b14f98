import type { DecodedArray, ParquetType } from 'hyparquet';
import type { Writer } from '../src/types.js';
/**
 * @import {DecodedArray, ParquetType} from 'hyparquet'
 * @import {Writer} from '../src/types.js'
 * @param {Writer} writer
 * @param {DecodedArray} values
 * @param {ParquetType} type
 * @param {number | undefined} fixedLength
 */
export declare function writePlain(writer: Writer, values: DecodedArray, type: ParquetType, fixedLength: number | undefined): void;
//# sourceMappingURL=plain.d.ts.map