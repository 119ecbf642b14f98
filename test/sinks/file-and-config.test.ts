/**
 * File sink (NDJSON in the account_id=/dt= layout, rotation), stdout sink, and sink selection:
 * environment variables, options winning over them, clear errors for missing stream names and
 * peer packages, and lazy loading of only the SDK client in use.
 */
import test from 'ava';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  auditLog, ConfigurationError, MissingPeerDependencyError, partitionOf, partitionPath, stdoutSink, validateAuditEvent,
  type AuditEvent, type AuditLogOptions,
} from '../../index.js';
import { fileSink } from '../../sinks/file.js';
import { selectSink } from '../../sinks/select.js';
import { auditEventFactory } from '../helpers/factories.js';
import { publishEvent } from '../helpers/bus.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'audit-file-sink-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every NDJSON file below `dir`, relative path → validated events. */
async function readTree(dir: string): Promise<Map<string, AuditEvent[]>> {
  const out = new Map<string, AuditEvent[]>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const lines = (await readFile(full, 'utf8')).split('\n');
    if (lines.pop() !== '') throw new Error(`${full} does not end with a newline`);
    out.set(path.relative(dir, full).split(path.sep).join('/'), lines.map((l) => validateAuditEvent(JSON.parse(l))));
  }
  return out;
}

/** Runs `fn` with some environment variables set, restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T | Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) if (val === undefined) delete process.env[k]; else process.env[k] = val;
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

const times = ['2026-01-31T23:59:59.999Z', '2026-02-01T00:00:00.000Z'];
const accounts = ['acme', null, '../evil id/ü', 'acme'];

test('file sink: NDJSON files in partitionPath folders, named <pid>-<startTime>-<n>.ndjson, every line a valid event', async (t) => {
  const dir = await tempDir(t);
  const audit = auditLog({ sink: fileSink({ dir }), handleSignals: false });
  const sent: AuditEvent[] = [];
  for (let i = 0; i < 400; i++) {
    const e = auditEventFactory({ account_id: accounts[i % accounts.length]!, time: times[i % 2]! });
    sent.push(e);
    publishEvent(audit, e);
  }
  await audit.close();
  const tree = await readTree(dir);
  const all = [...tree.values()].flat();
  t.is(all.length, 400);
  t.deepEqual(all.map((e) => e.id).sort(), sent.map((e) => e.id).sort());
  for (const [rel, events] of tree) {
    t.regex(rel, new RegExp(`^account_id=[^/]+/dt=\\d{4}-\\d{2}-\\d{2}/${process.pid}-\\d+-0\\.ndjson$`));
    for (const e of events) t.true(rel.startsWith(partitionPath(partitionOf(e))), `${rel} holds its own partition only`);
  }
  t.is(tree.size, 4); // acme × both days, _none and the encoded id one day each
  t.true([...tree.keys()].some((k) => k.startsWith('account_id=_none/')));
  t.true([...tree.keys()].some((k) => k.startsWith('account_id=~')), 'unsafe account ids are encoded');
});

test('file sink: rotates a partition to the next file once it reaches maxFileBytes', async (t) => {
  const dir = await tempDir(t);
  const audit = auditLog({ sink: fileSink({ dir, maxFileBytes: 20_000 }), handleSignals: false, delivery: { maxBatchEvents: 10, lingerMs: 1 } });
  for (let i = 0; i < 200; i++) publishEvent(audit, auditEventFactory({ account_id: 'acme', time: times[0]! }));
  await audit.close();
  const tree = await readTree(dir);
  t.true(tree.size >= 5);
  const names = [...tree.keys()].map((k) => k.split('/').pop()!);
  const ns = names.map((n) => Number(/-(\d+)\.ndjson$/.exec(n)![1])).sort((a, b) => a - b);
  t.deepEqual(ns, ns.map((_, i) => i), 'files numbered 0, 1, 2, …');
  for (const [rel, events] of tree) t.true(Buffer.byteLength(events.map((e) => `${JSON.stringify(e)}\n`).join('')) <= 20_000 + 5_000, rel);
  t.is([...tree.values()].flat().length, 200);
});

test.serial('AUDIT_LOG_SINK=file with AUDIT_LOG_FILE_DIR switches sinks with no code change', async (t) => {
  const dir = await tempDir(t);
  const audit = await withEnv({ AUDIT_LOG_SINK: 'file', AUDIT_LOG_FILE_DIR: dir }, () => auditLog({ handleSignals: false }));
  publishEvent(audit, auditEventFactory());
  await audit.close();
  t.is([...(await readTree(dir)).values()].flat().length, 1);
});

test.serial('options win over the environment', async (t) => {
  const fromEnv = await tempDir(t);
  const fromOptions = await tempDir(t);
  const audit = await withEnv({ AUDIT_LOG_SINK: 'stdout', AUDIT_LOG_FILE_DIR: fromEnv },
    () => auditLog({ sink: 'file', file: { dir: fromOptions }, handleSignals: false }));
  publishEvent(audit, auditEventFactory());
  await audit.close();
  t.is((await readTree(fromEnv)).size, 0);
  t.is([...(await readTree(fromOptions)).values()].flat().length, 1);
  // The stream name from options beats AUDIT_LOG_KINESIS_STREAM, too.
  const sink = await withEnv({ AUDIT_LOG_KINESIS_STREAM: 'from-env' }, () => import('../../sinks/kinesis.js').then((m) => m.kinesisSink({ streamName: 'from-options', client: { send: async () => ({}) } as never })));
  t.is(sink.streamName, 'from-options');
});

for (const [sink, option, envVar] of [
  ['kinesis', 'kinesis.streamName', 'AUDIT_LOG_KINESIS_STREAM'],
  ['firehose', 'firehose.deliveryStreamName', 'AUDIT_LOG_FIREHOSE_STREAM'],
  ['file', 'file.dir', 'AUDIT_LOG_FILE_DIR'],
] as const) {
  test.serial(`a missing ${sink} destination is a ConfigurationError from auditLog() naming ${option} and ${envVar}`, async (t) => {
    const err = await withEnv({ AUDIT_LOG_SINK: sink, [envVar]: undefined }, () => t.throws(() => auditLog({ handleSignals: false }), { instanceOf: ConfigurationError }));
    t.is(err?.option, option);
    t.is(err?.envVar, envVar);
    t.true(err!.message.includes(option) && err!.message.includes(envVar), err!.message);
  });
}

test('an unknown sink name is a ConfigurationError naming option and variable', (t) => {
  const err = t.throws(() => auditLog({ sink: 'kafka' as never, handleSignals: false }), { instanceOf: ConfigurationError });
  t.is(err?.option, 'sink');
  t.is(err?.envVar, 'AUDIT_LOG_SINK');
});

test('a missing peer package is a synchronous MissingPeerDependencyError', (t) => {
  const missing = (name: string) => name !== '@aws-sdk/client-kinesis' && name !== '@aws-sdk/client-firehose' && name !== 'aws-kinesis-agg';
  const err = t.throws(() => selectSink({ sink: 'kinesis', kinesis: { streamName: 's' } }, {}, missing), { instanceOf: MissingPeerDependencyError });
  t.is(err?.packageName, '@aws-sdk/client-kinesis');
  t.throws(() => selectSink({ sink: 'firehose', firehose: { deliveryStreamName: 's' } }, {}, (n) => n !== '@aws-sdk/client-firehose'), { instanceOf: MissingPeerDependencyError });
  t.throws(() => selectSink({ sink: 'kinesis', kinesis: { streamName: 's', aggregate: true } }, {}, (n) => n !== 'aws-kinesis-agg'), { instanceOf: MissingPeerDependencyError, message: /aws-kinesis-agg/ });
  // With everything installed (the real resolver), nothing throws.
  t.notThrows(() => selectSink({ sink: 'kinesis', kinesis: { streamName: 's', aggregate: true } }, {}));
});

test('stdout sink: one JSON line per event', async (t) => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const audit = auditLog({ sink: stdoutSink({ stream: out }), handleSignals: false });
  for (let i = 0; i < 3; i++) publishEvent(audit, auditEventFactory());
  await audit.close();
  const lines = text.split('\n');
  t.is(lines.pop(), '');
  t.is(lines.length, 3);
  for (const l of lines) t.notThrows(() => validateAuditEvent(JSON.parse(l)));
});

test('only the SDK client of the sink in use is loaded (Kinesis users never load Firehose)', async (t) => {
  const script = `
    import { createRequire } from 'node:module';
    import { auditLog } from './index.ts';
    const audit = auditLog({ sink: 'kinesis', kinesis: { streamName: 's' }, handleSignals: false });
    await new Promise((r) => setTimeout(r, 500));
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ kinesis: loaded.some((k) => k.includes('client-kinesis')), firehose: loaded.some((k) => k.includes('client-firehose')), agg: loaded.some((k) => k.includes('aws-kinesis-agg')) }));
    await audit.close();`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, AWS_REGION: 'us-east-1' } });
  t.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { kinesis: true, firehose: false, agg: false });
});

test('option values are validated', (t) => {
  const bad: AuditLogOptions[] = [
    { sink: 'kinesis', kinesis: { streamName: 's', aggregate: 'yes' as never } },
    { sink: 'kinesis', kinesis: { streamName: 's', partitionKey: 'account' as never } },
    { sink: 'kinesis', kinesis: { streamName: 's', client: {} as never } },
    { sink: 'file', file: { dir: '/tmp/x', maxFileBytes: 10 } },
    { sink: 'file', file: { dir: '/tmp/x' }, delivery: { writeTimeoutMs: 0 } },
    { sink: 'file', file: { dir: '/tmp/x' }, shutdownGraceMs: -1 },
    { sink: 'file', file: { dir: '/tmp/x' }, handleSignals: 'no' as never },
  ];
  for (const options of bad) t.throws(() => auditLog({ ...options, handleSignals: options.handleSignals ?? false }), { instanceOf: ConfigurationError }, JSON.stringify(options));
});
