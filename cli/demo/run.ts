/**
 * The whole pipeline on one machine, in the order data flows:
 *
 *   apps ─ auditLog(kinesis) ─▶ kinesalite ─ poller ─▶ kinesis-to-s3 handler ─▶ s3rver
 *        (plus 4 % of the records put into the stream twice: at-least-once delivery)
 *        s3rver object-created events ─▶ partition loader's parsing (prints its ALTER TABLE)
 *        s3rver ─ download ─▶ temp dir ─▶ DuckDB runs athena/queries through the view ─▶ tables
 *        compactor ─▶ one Parquet file per account-day ─▶ the same queries again, bytes compared
 *        digest step ─▶ signed hourly digests ─▶ verify passes; one object changed ─▶ verify names it
 *
 * and then it checks that nothing was lost or counted twice on the way. Everything it starts is stopped in
 * `finally`, so the process exits on its own, pass or fail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuppressed } from '../../core/capture/index.js';
import { errorPrefixFor } from '../../lambdas/configuration.js';
import { createHandler as createKinesisToS3 } from '../../lambdas/kinesis-to-s3/index.js';
import { decodeAccountId } from '../../core/schema.js';
import { startDemoApps, type DemoApps } from './apps.js';
import { downloadPrefix, listAllKeys } from './download.js';
import { startKinesisPoller } from './kinesis-poller.js';
import { startLocalKinesis, startLocalS3, type LocalKinesis, type LocalS3 } from './local-aws.js';
import { collectPartitions } from './partitions.js';
import { compactEveryDay, compareQueryBytes, formatQueryBytes } from './compaction.js';
import { DUPLICATE_EVERY, injectDuplicates } from './duplicates.js';
import { printQueryRun, runNamedQueries, storedTotals } from './queries.js';
import { startStoreApi, type StoreApi } from './store-api.js';
import { DEMO_ACCOUNTS, planTraffic, sendTraffic } from './traffic.js';
import { checkKeepDir, sealVerifyAndTamper } from './integrity.js';
import { checkNothingLost, type Counts } from './verify.js';

export interface DemoOptions {
  /** Fewer requests and days, same pipeline and checks (CI). */
  short: boolean;
  /** Leave a copy of the bucket (data, manifests, digests) and public-key.pem here, for `verify --local`. */
  keep?: string;
  print: (text: string) => void;
}

const STREAM = 'http-audit-log-demo';
const SHARDS = 2;
const BUCKET = 'http-audit-log-demo';
const PREFIX = 'audit/';
const COMPACTED_PREFIX = 'audit-compacted/';
const ATHENA_DATABASE = 'http_audit_log';
/** The raw table, whose partitions the loader adds (the view `audit_events` reads it and the compacted table). */
const ATHENA_RAW_TABLE = 'audit_events_raw';
const SEED = 20261125;
/** Shown in requests-per-method: the account whose id needs encoding in the S3 path. */
const FEATURED_ACCOUNT = "o'hara & sons";

/** Runs the demo; resolves with the process exit code (0 when every check passed). */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { print } = options;
  const started = performance.now();
  const step = (text: string) => print(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
  const scale = options.short ? { requests: 120, days: 3, concurrency: 8 } : { requests: 1500, days: 5, concurrency: 16 };

  if (options.keep !== undefined) await checkKeepDir(options.keep);
  const stops: Array<() => Promise<void>> = [];
  let workDir: string | null = null;
  let compactedDir: string | null = null;
  try {
    const kinesis: LocalKinesis = await startLocalKinesis(STREAM, SHARDS);
    stops.push(kinesis.stop);
    const s3: LocalS3 = await startLocalS3(BUCKET);
    stops.push(s3.stop);
    step(`kinesalite ${kinesis.endpoint} (stream ${STREAM}, ${SHARDS} shards); s3rver ${s3.endpoint} (bucket ${BUCKET})`);

    const partitions = collectPartitions(PREFIX);
    s3.onObjectEvent(partitions.onObjectEvent);

    const store: StoreApi = await startStoreApi(SEED);
    stops.push(store.stop);
    const apps: DemoApps = await startDemoApps({ storeUrl: store.url, kinesis: kinesis.client, streamName: STREAM });
    // Normally stopped once the traffic is done; here too in case the demo fails before that.
    stops.push(apps.stop);
    step(`store API ${store.url}; Express app ${apps.expressUrl} (fetch), Koa app ${apps.koaUrl} (node:http), one shared auditLog({ sink: 'kinesis' })`);

    // From here on the demo's own HTTP calls (to the apps, Kinesis and S3) run in a suppressed
    // context: the audit log records only the apps' outbound calls, as in production.
    // The Lambda logs one JSON line per invocation with console.log (CloudWatch in AWS); here those
    // lines would drown the tables, so they are kept aside while the pipeline runs (the demo
    // itself prints with process.stdout.write).
    const lambdaLog: string[] = [];
    const consoleLog = console.log;
    console.log = (...parts: unknown[]) => { lambdaLog.push(parts.map(String).join(' ')); };
    const counts = await runSuppressed(async (): Promise<Counts> => {
      const handler = createKinesisToS3({ s3: s3.client, bucket: BUCKET, prefix: PREFIX });
      const poller = await startKinesisPoller({ client: kinesis.client, streamName: STREAM, handler, intervalMs: 250, batchSize: 1000 });
      stops.push(poller.stop);

      const plan = planTraffic({ requests: scale.requests, days: scale.days, seed: SEED });
      const traffic = await sendTraffic(plan, { express: apps.expressUrl, koa: apps.koaUrl }, scale.concurrency);
      const classes = Object.entries(traffic.byStatusClass).sort().map(([k, v]) => `${v} ${k}`).join(', ');
      step(`sent ${traffic.requests} inbound requests for ${DEMO_ACCOUNTS.length} accounts (answers: ${classes}); event times moved back 0-${scale.days - 1} days by the demo-only x-demo-day redact hook`);

      // Stopping the apps closes the audit log, which flushes: after this no event can still come.
      await apps.stop();
      const sent = apps.audit.stats();
      step(`apps stopped, auditLog closed: ${sent.sent} events sent to Kinesis (dropped ${sent.dropped}, failed ${sent.failed})`);

      const injected = await injectDuplicates(kinesis.client, STREAM);
      step(`put ${injected} records into the stream a second time (1 in ${DUPLICATE_EVERY}), as a PutRecords whose answer was lost would`);

      const polled = await poller.drain();
      step(`poller drained ${SHARDS} shards: ${polled.records} records in ${polled.invocations} kinesis-to-s3 invocations (last Lambda log line below)`);
      if (lambdaLog.length > 0) print(`         ${lambdaLog[lambdaLog.length - 1]}\n`);

      step(`partition loader: ${partitions.counts.notifications} S3 notifications, ${partitions.partitions().length} partitions; the statement it would run:`);
      for (const statement of partitions.statements(ATHENA_DATABASE, ATHENA_RAW_TABLE)) print(`${statement.sql}\n`);
      print(`partitions (account_id decoded): ${partitions.partitions().map((p) => `${decodeAccountId(p.values.account_id) ?? '(none)'}/${p.values.dt}`).join(', ')}\n`);

      workDir = await mkdtemp(join(tmpdir(), 'http-audit-log-demo-data-'));
      const downloaded = await downloadPrefix(s3.client, BUCKET, PREFIX, workDir);
      const errorObjects = (await listAllKeys(s3.client, BUCKET, errorPrefixFor(PREFIX))).length;
      step(`downloaded s3://${BUCKET}/${PREFIX}: ${downloaded.objects} objects, ${downloaded.bytes} bytes gzip, ${downloaded.lines} lines → ${workDir}`);

      const raw = { dir: workDir };
      const runs = await runNamedQueries(raw, FEATURED_ACCOUNT);
      for (const run of runs) printQueryRun(run, print);
      const before = await storedTotals(raw);
      print('\n');
      step(`the view over the raw layout: ${before.rows} rows (${before.distinctIds} distinct event ids; the ${injected} copies counted once)`);

      const { report, asOf } = await compactEveryDay(s3.client, BUCKET, PREFIX, COMPACTED_PREFIX, scale.days);
      const sum = (f: (d: (typeof report.compacted)[number]) => number) => report.compacted.reduce((n, d) => n + f(d), 0);
      step(`compactor (clock at ${asOf.toISOString()}, when today closes): ${report.compacted.length} account-days, ${sum((d) => d.inputs)} raw objects → ${sum((d) => d.rows)} rows, ${sum((d) => d.duplicatesDropped)} duplicates dropped, ${report.failed.length} failed`);

      compactedDir = await mkdtemp(join(tmpdir(), 'http-audit-log-demo-compacted-'));
      const compactedDownload = await downloadPrefix(s3.client, BUCKET, COMPACTED_PREFIX, compactedDir);
      const compactedObjects = (await listAllKeys(s3.client, BUCKET, COMPACTED_PREFIX)).filter((k) => k.endsWith('.parquet')).length;
      step(`downloaded s3://${BUCKET}/${COMPACTED_PREFIX}: ${compactedObjects} Parquet objects and their manifests, ${compactedDownload.bytes} bytes (raw: ${downloaded.objects} objects, ${downloaded.bytes} bytes)`);

      const both = { dir: workDir, compactedDir };
      const bytes = await compareQueryBytes(runs, both);
      step('bytes each named query read, raw layout vs after compaction (same rows both times):');
      print(formatQueryBytes(bytes));
      const totals = await storedTotals(both);
      step(`the view after compaction: ${totals.rows} rows (${totals.distinctIds} distinct event ids)`);

      const days = partitions.partitions().map((p) => p.values.dt).sort();
      const integrity = await sealVerifyAndTamper({
        s3: s3.client, bucket: BUCKET, prefix: PREFIX, dataPrefixes: [PREFIX, COMPACTED_PREFIX], from: days[0]!, to: days[days.length - 1]!,
        // An hour and 11 minutes past the compactor's clock: the digest Lambda's first run after the last hour written (and its grace) ended.
        sealAt: new Date(asOf.getTime() + 71 * 60_000),
        ...(options.keep === undefined ? {} : { keep: options.keep }), step, print,
      });

      return {
        sent: sent.sent,
        dropped: sent.dropped + sent.failed,
        auditErrors: apps.auditErrors,
        injectedDuplicates: injected,
        polled: polled.records,
        stored: downloaded.lines,
        queriedBeforeCompaction: before.rows,
        compactedRows: sum((d) => d.rows),
        duplicatesDropped: sum((d) => d.duplicatesDropped),
        compactionFailures: report.failed.map((d) => `${d.account_id}/${d.dt}: ${d.error}`),
        accountDays: partitions.partitions().length,
        compactedObjects,
        queried: totals.rows,
        distinctIds: totals.distinctIds,
        queriesThatChanged: bytes.filter((b) => !b.sameRows).map((b) => b.name),
        malformedObjects: errorObjects,
        partitionsAnnounced: partitions.partitions().length,
        emptyQueries: runs.filter((r) => r.result.rows.length === 0).map((r) => r.name),
        digests: integrity.digests,
        verifiedObjects: integrity.verified.reduce((n, a) => n + a.objects, 0),
        integrityFindings: integrity.cleanFindings.map((f) => `${f.kind} ${f.key}: ${f.detail}`),
        tamperFindings: integrity.tamperFindings.map((f) => ({ kind: f.kind, key: f.key })),
        tamperedKey: integrity.tamperedKey,
      };
    }).finally(() => { console.log = consoleLog; });

    const problems = checkNothingLost(counts);
    print(`${counts.sent} events sent, ${counts.stored} lines stored (${counts.injectedDuplicates} of them duplicates), ${counts.compactedRows} compacted, ${counts.queried} queried\n`);
    if (problems.length > 0) {
      print(`DEMO FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 1;
    }
    step('OK: every event the apps produced reached S3 and the query results exactly once, before and after compaction; the log verified intact, and the one object changed was named');
    return 0;
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => print(`while stopping: ${String(err)}\n`));
    for (const dir of [workDir, compactedDir]) if (dir !== null) await rm(dir, { recursive: true, force: true });
  }
}
