/**
 * Smoke test of the benchmarks: `bench/run.ts --quick --no-write` runs every scenario with tiny
 * counts and writes nothing. Asserts that each scenario produced its JSON result with the expected
 * keys, and the counts that prove each scenario measured what it says (events and spans per
 * request, files read, Athena calls); never a timing value, which would make the test flaky.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Outcome { file: string; result?: Record<string, unknown>; note?: string }

/** The value at a dotted path, or undefined. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined), value);
}

const EXPECTED_KEYS: Record<string, string[]> = {
  capture: ['fetch', 'http'].flatMap((client) => [
    'cpuPerRequestMicros.none', 'cpuPerRequestMicros.otel', 'cpuPerRequestMicros.audit',
    'addedCpuPerCallMicros.otel', 'addedCpuPerCallMicros.audit', 'auditAddedCpuVsOtel',
    'throughput.none', 'throughput.otel', 'throughput.audit', 'throughputRatio.otel', 'throughputRatio.audit',
    'targets.throughput.met', 'targets.addedCpuVsOtel.met',
  ].map((key) => `results.${client}.${key}`)),
  'lambda-kinesis-to-s3': ['s3', 'baseline'].flatMap((mode) => ['recordsPerSec', 'peakRssMb', 'warmInvocationMs', 'coldInvocationMs'].map((k) => `results.${mode}.${k}`))
    .concat(['results.recordsPerSecRatio', 'results.peakRssRatio', 'targets.peakRssMb.met']),
  'lambda-partition-loader': ['noop', 'cached', 'cold'].map((c) => `results.microsPerInvocation.${c}`).concat(['results.ratioVsNoop.cached', 'results.coldVsCached']),
  'redaction-cost': ['no candidate', 'one credential'].flatMap((c) => ['json', 'form', 'xml', 'text'].flatMap((shape) => ['floorMicrosPerKib', 'namesMicrosPerKib', 'namesAndValuesMicrosPerKib', 'valuesAddedMicrosPerKib'].map((k) => `results.${c}.${shape}.${k}`))),
  'delivery-throughput': ['deliveryEventsPerSec', 'baselineJsonStringifyEventsPerSec', 'ratioToBaseline', 'withoutRedactionEventsPerSec'],
  'delivery-putrecords': ['plain.putRecordsCalls', 'plain.wireBytes', 'aggregated.putRecordsCalls', 'aggregated.wireBytes', 'callsRatio', 'bytesRatio'],
  'delivery-outage-rss': ['baselineSinkUp.rssMaxMiB', 'sinkDown.rssMaxMiB', 'sinkDown.stats.queued', 'rssMaxRatio'],
  'compaction-bytes': ['requests-per-method', 'errors', 'slowest-calls', 'request-trail', 'account-window'].flatMap((q) => ['raw.bytesRead', 'compacted.bytesRead', 'bytesRatio'].map((k) => `results.queries.${q}.${k}`))
    .concat(['results.objectsPerAccountDay.raw', 'results.objectsPerAccountDay.compacted', 'targets.noBodyBytesRatio.met', 'targets.objectsPerAccountDay.met']),
  'spool-cost': ['1000PerSec', '10000PerSec'].flatMap((r) => ['cpuMicrosPerEvent.off', 'cpuMicrosPerEvent.on', 'addedCpuMicrosPerEvent', 'floorCpuMicrosPerEvent', 'bytesWrittenPerEvent.on'].map((k) => `results.${r}.${k}`)).concat(['targets.addedCpuMicrosAt1000PerSec.met']),
  'compactor-cost': ['results.compact.ms', 'results.compact.peakRssMb', 'results.floor.ms', 'results.floor.peakRssMb', 'results.timeRatio', 'results.peakRssRatio', 'targets.peakRssMb.met'],
  'duckdb-pruning': ['results.oneAccountOneDay.bytesRead', 'results.wholeTable.bytesRead', 'results.filesRatio', 'results.bytesRatio', 'targets.bytesRatio.met'],
};
/** Written on another branch: checked for a result when present. */

test('bench/run.ts --quick runs every scenario and each reports its figures', async (t) => {
  // Usually 20-40 s (seven app processes for the capture scenario); generous for a busy CI box.
  t.timeout(200_000);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', 'bench/run.ts', '--quick', '--no-write'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { quick: boolean; machine: { cores: number }; scenarios: Outcome[] };
  t.true(report.quick);
  t.true(report.machine.cores > 0);
  const byFile = new Map(report.scenarios.map((s) => [s.file, s]));

  for (const [file, keys] of Object.entries(EXPECTED_KEYS)) {
    const result = byFile.get(file)?.result;
    if (!result) {
      t.fail(`${file}: ${byFile.get(file)?.note ?? 'not run'}`);
      continue;
    }
    t.is(result.scenario, file);
    for (const key of keys) t.not(at(result, key), undefined, `${file}: ${key}`);
  }
  // Each mode did its work: one audit event and two spans (server + client) per request.
  const capture = byFile.get('capture')?.result;
  const requests = at(capture, 'requests') as number;
  for (const client of ['fetch', 'http']) {
    t.deepEqual(at(capture, `results.${client}.auditEventsPerRound`), [requests], `${client}: audit events`);
    t.deepEqual(at(capture, `results.${client}.otelSpansPerRound`), [2 * requests], `${client}: OpenTelemetry spans`);
    t.deepEqual(at(capture, `results.${client}.otelClientSpansPerRound`), [requests], `${client}: OpenTelemetry client spans`);
  }
  // Redaction measured real work: every credential body redacted, every plain body untouched.
  const redaction = byFile.get('redaction-cost')?.result;
  t.is(at(redaction, 'proof.credentialBodiesRedacted'), at(redaction, 'proof.shapes'));
  t.is(at(redaction, 'proof.plainBodiesUnchanged'), at(redaction, 'proof.shapes'));
  // Pruning: one partition's files read, against all of them.
  const duck = byFile.get('duckdb-pruning')?.result;
  const files = at(duck, 'dataset.files') as number;
  t.is(at(duck, 'results.oneAccountOneDay.filesRead'), at(duck, 'dataset.filesPerPartition'));
  t.is(at(duck, 'results.wholeTable.filesRead'), files);
  // Cached invocations never call Athena.
  const loader = byFile.get('lambda-partition-loader')?.result;
  t.is(at(loader, 'results.athenaQueries'), at(loader, 'results.expectedAthenaQueries'));
  t.is(at(byFile.get('lambda-kinesis-to-s3')?.result, 'results.s3.objectsPerInvocation'), 100);
  // Compaction: every named query answers the same over both layouts; one object per account-day.
  const compaction = byFile.get('compaction-bytes')?.result;
  for (const q of ['requests-per-method', 'errors', 'slowest-calls', 'request-trail', 'account-window']) t.true(at(compaction, `results.queries.${q}.sameRows`) as boolean, `${q}: same rows`);
  t.is(at(compaction, 'results.objectsPerAccountDay.compacted'), 1);
});
