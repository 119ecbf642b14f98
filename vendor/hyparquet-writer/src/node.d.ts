export * from './index.js';
import type { ParquetWriteOptions, Writer } from '../src/types.js';
/**
 * @import {ParquetWriteOptions, Writer} from '../src/types.js'
 */
/**
 * Write data as parquet to a local file.
 *
 * @param {Omit<ParquetWriteOptions, 'writer'> & { filename: string }} options
 */
export declare function parquetWriteFile(options: Omit<ParquetWriteOptions, 'writer'> & {
    filename: string;
}): void;
/**
 * Buffered file writer.
 * Writes data to a local file in chunks using node fs.
 *
 * @param {string} filename
 * @returns {Writer}
 */
export declare function fileWriter(filename: string): Writer;
//# sourceMappingURL=node.d.ts.map