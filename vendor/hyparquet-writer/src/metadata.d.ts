import type { FileMetaData, LogicalType } from 'hyparquet';
import type { ThriftObject, Writer } from '../src/types.js';
/**
 * @import {BoundingBox, FileMetaData, LogicalType, SchemaElement, TimeUnit} from 'hyparquet'
 * @import {PreconvertedThriftStruct, ThriftObject, Writer} from '../src/types.js'
 */
/**
 * Write Parquet file metadata as thrift.
 *
 * @param {Writer} writer
 * @param {FileMetaData} metadata
 * @param {number} [statisticsTruncateLength] max bytes for a byte-array min/max
 */
export declare function writeMetadata(writer: Writer, metadata: FileMetaData, statisticsTruncateLength?: number): void;
/**
 * @param {LogicalType | undefined} type
 * @returns {ThriftObject | undefined}
 */
export declare function logicalType(type: LogicalType | undefined): ThriftObject | undefined;
//# sourceMappingURL=metadata.d.ts.map