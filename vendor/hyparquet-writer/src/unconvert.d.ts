import type { DecodedArray, SchemaElement } from 'hyparquet';
import type { MinMaxType } from 'hyparquet/src/types.js';
import type { ChunkStatistics, ThriftObject } from '../src/types.js';
/**
 * Convert from rich to primitive types.
 *
 * @param {SchemaElement} element
 * @param {DecodedArray} values
 * @returns {DecodedArray}
 */
export declare function unconvert(element: SchemaElement, values: DecodedArray): DecodedArray;
/**
 * Uncovert from rich type to byte array for metadata statistics.
 *
 * @param {MinMaxType | undefined} value
 * @param {SchemaElement} element
 * @param {boolean} isMax whether this is a max value (rounds truncation up)
 * @param {number} [truncateLength] max bytes for a byte-array value
 * @returns {Uint8Array | undefined}
 */
export declare function unconvertMinMax(value: MinMaxType | undefined, element: SchemaElement, isMax: boolean, truncateLength?: number): Uint8Array | undefined;
/**
 * @param {ChunkStatistics} stats
 * @param {SchemaElement} element
 * @param {number} [truncateLength] max bytes for a byte-array min/max
 * @returns {ThriftObject}
 */
export declare function unconvertStatistics(stats: ChunkStatistics, element: SchemaElement, truncateLength?: number): ThriftObject;
/**
 * @param {SchemaElement} element
 * @param {bigint} value
 * @returns {number | bigint | Uint8Array}
 */
export declare function unconvertDecimal({ type, type_length }: SchemaElement, value: bigint): number | bigint | Uint8Array;
/**
 * @param {number | undefined} value
 * @returns {Uint8Array | undefined}
 */
export declare function unconvertFloat16(value: number | undefined): Uint8Array | undefined;
//# sourceMappingURL=unconvert.d.ts.map