import type { ParquetWriteOptions } from '../src/types.js';
/**
 * @import {ParquetWriteOptions} from '../src/types.js'
 */
/**
 * Write data as parquet to a file or stream.
 *
 * @param {ParquetWriteOptions} options
 * @returns {void | Promise<void>}
 */
export declare function parquetWrite({ writer, columnData, schema, codec, compressors, statistics, statisticsTruncateLength, rowGroupSize, kvMetadata, createdBy, pageSize, dictionarySize, }: ParquetWriteOptions): void | Promise<void>;
/**
 * Write data as parquet to an ArrayBuffer.
 *
 * @param {Omit<ParquetWriteOptions, 'writer'>} options
 * @returns {ArrayBuffer}
 */
export declare function parquetWriteBuffer(options: Omit<ParquetWriteOptions, 'writer'>): ArrayBuffer;
//# sourceMappingURL=write.d.ts.map