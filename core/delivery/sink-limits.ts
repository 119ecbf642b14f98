import type { SinkLimits } from '../types/sink.js';

/** The limits of a sink that states none of its own (Kinesis PutRecords' sizes: the strictest built-in). */
export const DEFAULT_SINK_LIMITS: SinkLimits = {
  maxBatchRecords: 500,
  maxBatchBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  perRecordOverheadBytes: 0,
};
