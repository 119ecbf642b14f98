import type { ColumnChunk, DecodedArray, OffsetIndex, ParquetType } from 'hyparquet';
import type { ColumnEncoder, PageColumnIndex, PageData, Writer } from '../src/types.js';
/**
 * @import {ColumnChunk, DecodedArray, Encoding, OffsetIndex, ParquetType, SchemaElement} from 'hyparquet'
 * @import {PageEncodingStats} from 'hyparquet/src/types.js'
 * @import {ChunkStatistics, ColumnEncoder, PageColumnIndex, PageData, Writer} from '../src/types.js'
 */
/**
 * Write a column chunk to the writer.
 *
 * @param {object} options
 * @param {Writer} options.writer
 * @param {ColumnEncoder} options.column
 * @param {PageData} options.pageData
 * @returns {{ chunk: ColumnChunk, columnIndex?: PageColumnIndex, offsetIndex?: OffsetIndex, bloomFilter?: Uint32Array }}
 */
export declare function writeColumn({ writer, column, pageData }: {
    writer: Writer;
    column: ColumnEncoder;
    pageData: PageData;
}): {
    chunk: ColumnChunk;
    columnIndex?: PageColumnIndex;
    offsetIndex?: OffsetIndex;
    bloomFilter?: Uint32Array;
};
/**
 * Split values into pages by estimated byte size. A page can only begin at a
 * row boundary (repetition level 0), as data page v2 requires: a row never
 * spans pages, so a page may run past pageSize to reach the next row.
 *
 * @param {DecodedArray} values
 * @param {ParquetType} type
 * @param {number | undefined} type_length
 * @param {number} pageSize
 * @param {number[]} [repetitionLevels] empty for unrepeated columns
 * @returns {{start: number, end: number}[]}
 */
export declare function getPageBoundaries(values: DecodedArray, type: ParquetType, type_length: number | undefined, pageSize: number, repetitionLevels?: number[]): {
    start: number;
    end: number;
}[];
//# sourceMappingURL=column.d.ts.map