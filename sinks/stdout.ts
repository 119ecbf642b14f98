/**
 * Stdout sink: one JSON line per event, for local development and for platforms that ship
 * stdout to a log pipeline. Honours the stream's backpressure.
 */
import type { Sink, SinkRecord } from '../core/index.js';
import { STDOUT_LIMITS, type StdoutSinkOptions } from './config.js';

export type { StdoutSinkOptions } from './config.js';

export function stdoutSink(options: StdoutSinkOptions = {}): Sink {
  const stream = options.stream ?? process.stdout;
  return {
    name: 'stdout',
    limits: STDOUT_LIMITS,
    write(records: readonly SinkRecord[]) {
      let text = '';
      for (const r of records) text += `${r.json}\n`;
      return new Promise<void>((resolve, reject) => {
        stream.write(text, (err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
