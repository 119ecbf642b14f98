/**
 * Chooses the sink from options and environment. Validation is synchronous (so auditLog()
 * throws a clear error naming the option and variable, or the missing peer package); the sink
 * module and its AWS SDK client are loaded lazily, only for the sink in use (a Kinesis user never
 * loads the Firehose client).
 */
import { ConfigurationError, type Sink, type SinkLimits, type SinkRecord, type SinkWriteContext } from '../core/index.js';
import {
  ENV, FILE_LIMITS, FIREHOSE_LIMITS, KINESIS_AGGREGATED_LIMITS, KINESIS_LIMITS, STDOUT_LIMITS,
  requirePeer, resolveFileOptions, resolveFirehoseOptions, resolveKinesisOptions, resolvePeer,
  type FileSinkOptions, type FirehoseSinkOptions, type KinesisSinkOptions, type PeerResolver,
} from './config.js';

export type SinkName = 'kinesis' | 'firehose' | 'file' | 'stdout';
export const SINK_NAMES: readonly SinkName[] = ['kinesis', 'firehose', 'file', 'stdout'];

export interface SinkSelectionOptions {
  /** A sink name, or a Sink object (e.g. `kinesisSink({...})`, `memorySink()`). Default: AUDIT_LOG_SINK, else 'kinesis'. */
  sink?: Sink | SinkName;
  /** Options of the Kinesis sink (when `sink` is 'kinesis'). */
  kinesis?: KinesisSinkOptions;
  /** Options of the Firehose sink (when `sink` is 'firehose'). */
  firehose?: FirehoseSinkOptions;
  /** Options of the file sink (when `sink` is 'file'). */
  file?: FileSinkOptions;
}

function isSink(value: unknown): value is Sink {
  return typeof value === 'object' && value !== null && typeof (value as Sink).write === 'function';
}

/**
 * A sink whose module loads in the background. Its name and limits are known at once, so the
 * dispatcher sizes events right from the first one; writes wait for the load. A load that fails
 * fails every write as not retryable (counted as failed, passed to onDrop).
 */
function lazySink(name: SinkName, limits: SinkLimits, load: () => Promise<Sink>): Sink {
  const loading = load();
  loading.catch(() => {});
  return {
    name,
    limits,
    async write(records: readonly SinkRecord[], context?: SinkWriteContext) {
      let sink: Sink;
      try {
        sink = await loading;
      } catch (err) {
        const message = `the ${name} sink could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
        return { failed: records.map((_, index) => ({ index, code: 'SinkUnavailable', message, retryable: false })) };
      }
      return sink.write(records, context);
    },
    async close() {
      const sink = await loading.catch(() => null);
      await sink?.close?.();
    },
  };
}

export function selectSink(options: SinkSelectionOptions, env: NodeJS.ProcessEnv = process.env, peers: PeerResolver = resolvePeer): Sink {
  const chosen = options.sink ?? (env[ENV.sink] || undefined) ?? 'kinesis';
  if (isSink(chosen)) return chosen;
  if (typeof chosen !== 'string' || !SINK_NAMES.includes(chosen as SinkName)) {
    throw new ConfigurationError(
      `option "sink" (or ${ENV.sink}) must be one of ${SINK_NAMES.join(', ')} or an object with a write() method, got ${JSON.stringify(chosen)}`,
      'sink', ENV.sink);
  }
  switch (chosen as SinkName) {
    case 'kinesis': {
      const k = resolveKinesisOptions(options.kinesis, env);
      requirePeer('@aws-sdk/client-kinesis', 'the kinesis sink', peers);
      if (k.aggregate) requirePeer('aws-kinesis-agg', 'the kinesis sink with aggregate: true', peers);
      // The factory reads the environment itself; pass what was resolved here so both agree.
      return lazySink('kinesis', k.aggregate ? KINESIS_AGGREGATED_LIMITS : KINESIS_LIMITS,
        async () => (await import('./kinesis.js')).kinesisSink(k));
    }
    case 'firehose': {
      const f = resolveFirehoseOptions(options.firehose, env);
      requirePeer('@aws-sdk/client-firehose', 'the firehose sink', peers);
      return lazySink('firehose', FIREHOSE_LIMITS, async () => (await import('./firehose.js')).firehoseSink(f));
    }
    case 'file': {
      const f = resolveFileOptions(options.file, env);
      return lazySink('file', FILE_LIMITS, async () => (await import('./file.js')).fileSink(f));
    }
    case 'stdout':
      return lazySink('stdout', STDOUT_LIMITS, async () => (await import('./stdout.js')).stdoutSink());
  }
}
