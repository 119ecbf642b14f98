export { parquetWrite, parquetWriteBuffer } from './write.js';
export { parquetWriteRows } from './write-rows.js';
export { autoSchemaElement, schemaFromColumnData } from './schema.js';
export { ByteWriter } from './bytewriter.js';
export { ParquetWriter } from './parquet-writer.js';
export { geojsonToWkb } from './wkb.js';
export type KeyValue = import('hyparquet').KeyValue;
export type SchemaElement = import('hyparquet').SchemaElement;
export type BasicType = import('../src/types.d.ts').BasicType;
export type ColumnSource = import('../src/types.d.ts').ColumnSource;
export type ParquetWriteOptions = import('../src/types.d.ts').ParquetWriteOptions;
export type Writer = import('../src/types.d.ts').Writer;
/**
 * @typedef {import('hyparquet').KeyValue} KeyValue
 * @typedef {import('hyparquet').SchemaElement} SchemaElement
 * @typedef {import('../src/types.d.ts').BasicType} BasicType
 * @typedef {import('../src/types.d.ts').ColumnSource} ColumnSource
 * @typedef {import('../src/types.d.ts').ParquetWriteOptions} ParquetWriteOptions
 * @typedef {import('../src/types.d.ts').Writer} Writer
 */
//# sourceMappingURL=index.d.ts.map