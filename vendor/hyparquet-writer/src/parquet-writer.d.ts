import type { CompressionCodec, KeyValue, RowGroup, SchemaElement } from 'hyparquet';
import type { ColumnSource, Compressors, PageIndexes, Writer } from '../src/types.js';
/**
 * @import {ColumnChunk, CompressionCodec, FileMetaData, KeyValue, RowGroup, SchemaElement, SchemaTree} from 'hyparquet'
 * @import {ColumnEncoder, ColumnSource, Compressors, PageIndexes, Writer} from '../src/types.js'
 */
/**
 * ParquetWriter class allows incremental writing of parquet files.
 */
export declare class ParquetWriter {
    writer: Writer;
    /** @type {SchemaElement[]} */
    schema: SchemaElement[];
    /** @type {CompressionCodec} */
    codec: CompressionCodec;
    compressors: {
        SNAPPY: import("../src/types.js").Compressor;
        BROTLI?: import("../src/types.js").Compressor | undefined;
        GZIP?: import("../src/types.js").Compressor | undefined;
        LZ4?: import("../src/types.js").Compressor | undefined;
        LZ4_RAW?: import("../src/types.js").Compressor | undefined;
        LZO?: import("../src/types.js").Compressor | undefined;
        UNCOMPRESSED?: import("../src/types.js").Compressor | undefined;
        ZSTD?: import("../src/types.js").Compressor | undefined;
    };
    statistics: boolean;
    statisticsTruncateLength: number | undefined;
    /** @type {KeyValue[] | undefined} */
    kvMetadata: KeyValue[] | undefined;
    createdBy: string;
    /** @type {RowGroup[]} */
    row_groups: RowGroup[];
    num_rows: bigint;
    /** @type {PageIndexes[]} */
    pendingIndexes: PageIndexes[];
    /**
     * @param {object} options
     * @param {Writer} options.writer
     * @param {SchemaElement[]} options.schema
     * @param {CompressionCodec} [options.codec]
     * @param {Compressors} [options.compressors]
     * @param {boolean} [options.statistics]
     * @param {number} [options.statisticsTruncateLength]
     * @param {KeyValue[]} [options.kvMetadata]
     * @param {string} [options.createdBy]
     */
    constructor({ writer, schema, codec, compressors, statistics, statisticsTruncateLength, kvMetadata, createdBy }: {
        writer: Writer;
        schema: SchemaElement[];
        codec?: CompressionCodec;
        compressors?: Compressors;
        statistics?: boolean;
        statisticsTruncateLength?: number;
        kvMetadata?: KeyValue[];
        createdBy?: string;
        dataPageVersion?: 1 | 2;
    });
    /**
     * Write data to the file.
     * Will split data into row groups of the specified size.
     * Calls writer.flush() (if defined) after each row group; if it returns a
     * Promise, subsequent row groups await it before encoding more data.
     *
     * @param {object} options
     * @param {ColumnSource[]} options.columnData
     * @param {number | number[]} [options.rowGroupSize]
     * @param {number} [options.pageSize]
     * @param {number} [options.dictionarySize]
     * @returns {void | Promise<void>}
     */
    write({ columnData, rowGroupSize, pageSize, dictionarySize }: {
        columnData: ColumnSource[];
        rowGroupSize?: number | number[];
        pageSize?: number;
        dictionarySize?: number;
    }): void | Promise<void>;
    /**
     * Finish writing the file.
     *
     * @returns {void | Promise<void>}
     */
    finish(): void | Promise<void>;
}
/**
 * Target row count for the i-th row group. When rowGroupSize is an array, the
 * last entry repeats once the array is exhausted.
 *
 * @param {number | number[]} rowGroupSize - Size of each row group or an array of sizes
 * @param {number} i - zero-based group index
 * @returns {number}
 */
export declare function groupSize(rowGroupSize: number | number[], i: number): number;
//# sourceMappingURL=parquet-writer.d.ts.map