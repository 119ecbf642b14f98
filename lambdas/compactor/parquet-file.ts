/**
 * Audit events as one Parquet file that Athena reads: data page V1, ZSTD where node:zlib has it
 * (Node ≥ 22.15; the Lambda runs nodejs24.x) and SNAPPY otherwise, lower-case column names,
 * `time` as INT64 TIMESTAMP(MILLIS, UTC), headers as MAP with a required key, min/max statistics.
 *
 * The writer is hyparquet-writer 0.17.0, vendored with a patch that adds V1 data pages (it writes
 * only V2, which older Trino misread with a dictionary page): vendor/hyparquet-writer/VENDORED.md.
 * Columns are schema v1 (AUDIT_EVENT_FIELDS) minus `account_id`, which is the partition
 * column, as in the raw table.
 */
import * as zlib from 'node:zlib';
import { parquetReadObjects, type Compressors, type ParquetReadOptions, type SchemaElement } from 'hyparquet';
import { AUDIT_EVENT_FIELDS, type AuditEvent } from '../../core/schema.js';
import { ParquetWriter, ByteWriter } from '../../vendor/hyparquet-writer/src/index.js';

export type ParquetCodec = 'ZSTD' | 'SNAPPY';

/** Rows per row group: 10,000 events of ~1.6 KB keep a group's column buffers near 16 MB. */
export const ROW_GROUP_ROWS = 10_000;
/** Long enough that ids and ISO times keep whole min/max values (the default cuts at 16 bytes). */
const STATISTICS_TRUNCATE_BYTES = 64;
const ZSTD_LEVEL = 3;

type ZstdZlib = typeof zlib & {
  zstdCompressSync?: (buffer: Uint8Array, options?: { params?: Record<number, number> }) => Buffer;
  zstdDecompressSync?: (buffer: Uint8Array) => Buffer;
  constants: typeof zlib.constants & { ZSTD_c_compressionLevel?: number };
};

/** ZSTD from node:zlib when this Node has it, else SNAPPY (built into the writer): no wasm, no native addon. */
export function availableCodec(): { codec: ParquetCodec; compressors: Record<string, (input: Uint8Array) => Uint8Array> } {
  const z = zlib as ZstdZlib;
  const level = z.constants.ZSTD_c_compressionLevel;
  if (typeof z.zstdCompressSync === 'function' && level !== undefined) {
    const compress = z.zstdCompressSync.bind(z);
    return { codec: 'ZSTD', compressors: { ZSTD: (input) => new Uint8Array(compress(input, { params: { [level]: ZSTD_LEVEL } })) } };
  }
  return { codec: 'SNAPPY', compressors: {} };
}

/**
 * The decompressors hyparquet needs beyond its built-in SNAPPY: ZSTD from node:zlib where this
 * Node has it. Every read of a compacted file passes these; without them hyparquet cannot read
 * the ZSTD files the nodejs24.x Lambda writes.
 */
export function parquetDecompressors(): Compressors {
  const z = zlib as ZstdZlib;
  if (typeof z.zstdDecompressSync !== 'function') return {};
  const decompress = z.zstdDecompressSync.bind(z);
  return { ZSTD: (input) => new Uint8Array(decompress(input)) };
}

/** hyparquet's parquetReadObjects with the decompressors of parquetDecompressors(). */
export function readParquetObjects(options: Omit<ParquetReadOptions, 'compressors'>): Promise<Array<Record<string, unknown>>> {
  return parquetReadObjects({ ...options, compressors: parquetDecompressors() });
}

const string = (name: string, required: boolean): SchemaElement => ({
  name, type: 'BYTE_ARRAY', repetition_type: required ? 'REQUIRED' : 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' },
});

function elementsFor(name: string, athenaType: string, nullable: boolean): SchemaElement[] {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (athenaType) {
    case 'string':
      return [string(name, !nullable)];
    case 'int':
      return [{ name, type: 'INT32', repetition_type }];
    case 'double':
      return [{ name, type: 'DOUBLE', repetition_type }];
    case 'boolean':
      return [{ name, type: 'BOOLEAN', repetition_type }];
    case 'map<string,string>':
      return [
        { name, repetition_type, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        string('key', true),
        string('value', false),
      ];
    default:
      throw new Error(`no Parquet type for Athena type ${athenaType} (field ${name})`);
  }
}

/** The data columns of a compacted file, in schema order: `time` is a timestamp here, not a string. */
export const PARQUET_COLUMNS = AUDIT_EVENT_FIELDS.filter((f) => f.name !== 'account_id');

/** The file's schema: the root, then each column (a map is four elements). */
export function parquetSchema(): SchemaElement[] {
  const columns = PARQUET_COLUMNS.flatMap((f): SchemaElement[] => (f.name === 'time'
    ? [{ name: 'time', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } }]
    : elementsFor(f.name, f.athenaType, f.nullable)));
  return [{ name: 'schema', num_children: PARQUET_COLUMNS.length }, ...columns];
}

type ColumnValue = string | number | bigint | boolean | null | { key: string; value: string }[];

function columnValue(event: AuditEvent, name: (typeof PARQUET_COLUMNS)[number]['name']): ColumnValue {
  const value = event[name];
  if (name === 'time') return BigInt(Date.parse(value as string));
  if (name === 'request_headers' || name === 'response_headers') {
    return Object.entries(value as Record<string, string>).map(([key, v]) => ({ key, value: v }));
  }
  return value as ColumnValue;
}

export interface ParquetFileOptions {
  codec: ParquetCodec;
  compressors: Record<string, (input: Uint8Array) => Uint8Array>;
  /** Key-value metadata in the footer (e.g. the manifest's id of this compaction). */
  metadata?: Record<string, string>;
}

/**
 * One Parquet file written a row group at a time, so that only one group's events and column
 * arrays exist at once (~16 MB for 10,000 benchmark-shaped events), not the day's.
 */
export class ParquetFileWriter {
  readonly #writer = new ByteWriter();
  readonly #parquet: ParquetWriter;
  #rows = 0;

  constructor(options: ParquetFileOptions) {
    this.#parquet = new ParquetWriter({
      writer: this.#writer,
      schema: parquetSchema(),
      codec: options.codec,
      compressors: options.compressors,
      statistics: true,
      statisticsTruncateLength: STATISTICS_TRUNCATE_BYTES,
      kvMetadata: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      createdBy: 'http-audit-log compactor (hyparquet-writer 0.17.0, V1 pages)',
    });
  }

  get rows(): number {
    return this.#rows;
  }

  /** Appends one row group of `events` (already deduplicated and sorted); at most ROW_GROUP_ROWS make a good group. */
  writeRowGroup(events: readonly AuditEvent[]): void {
    if (events.length === 0) return;
    const columnData = PARQUET_COLUMNS.map((f) => ({ name: f.name, data: events.map((e) => columnValue(e, f.name)) }));
    void this.#parquet.write({ columnData, rowGroupSize: events.length });
    this.#rows += events.length;
  }

  /** The whole file. */
  finish(): Uint8Array {
    void this.#parquet.finish();
    return new Uint8Array(this.#writer.getBuffer());
  }
}

/** Writes `events` (already deduplicated and sorted) as one Parquet file, a row group per ROW_GROUP_ROWS. */
export function writeParquetFile(events: readonly AuditEvent[], options: ParquetFileOptions): Uint8Array {
  const file = new ParquetFileWriter(options);
  for (let start = 0; start < events.length; start += ROW_GROUP_ROWS) file.writeRowGroup(events.slice(start, start + ROW_GROUP_ROWS));
  return file.finish();
}
