/**
 * Scenario 5: partition-loader latency per invocation (µs), in-process, for three cases:
 *  - noop: an empty async handler given the same event (the baseline: invocation overhead);
 *  - cached: every partition of the S3 event is already known, so no Athena call is made;
 *  - cold: every partition is new, so one ALTER TABLE runs through Athena, mocked with
 *    aws-sdk-client-mock (StartQueryExecution, then GetQueryExecution SUCCEEDED at once): this
 *    measures the handler and SDK middleware, not Athena, whose queries take seconds.
 * Cases alternate round by round; medians of the rounds are reported, with ratios to noop.
 * Each event holds RECORDS object keys (default 1, what S3 sends per notification).
 *
 *   node --import=tsx bench/lambda-partition-loader.ts [--cached 20000] [--cold 2000] [--rounds 5] [--records 1]
 */
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../lambdas/partition-loader/index.js';
import { s3EventFactory } from '../test/helpers/factories.js';
import { median, numericFlags, round } from './common.js';

const { cached: CACHED, cold: COLD, rounds: ROUNDS, records: RECORDS } = numericFlags({ cached: 20_000, cold: 2_000, rounds: 5, records: 1 });

let athenaCalls = 0;
const athena = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
const mock = mockClient(athena);
mock.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++athenaCalls}` }));
mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });

// Big enough that the cold runs never evict the partitions the cached runs rely on.
const handler = createHandler({ athena, database: 'audit_db', table: 'http_audit', workgroup: 'audit', prefix: 'audit/', cacheSize: 1_000_000 });
const noop = async (_event: S3Event) => {};

/** An S3 event whose RECORDS keys fall in RECORDS partitions of account `account`. */
const eventFor = (account: string) => s3EventFactory(Array.from({ length: RECORDS }, (_, i) =>
  `audit/account_id=${account}/dt=2026-01-${String(1 + (i % 28)).padStart(2, '0')}/shardId-000000000000-${i}.json.gz`)) as S3Event;

const cachedEvent = eventFor('cached-tenant');
let coldAccounts = 0;

/** Mean µs per invocation over `n` sequential invocations. */
async function time(n: number, invoke: (i: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await invoke(i);
  return ((performance.now() - t0) * 1000) / n;
}

async function main() {
  // The handler logs one JSON line per invocation (CloudWatch in Lambda); here it would flood
  // stdout, whose last line must be this benchmark's result.
  const print = console.log;
  console.log = () => {};
  await handler(cachedEvent); // caches cachedEvent's partitions
  const samples = { noop: [] as number[], cached: [] as number[], cold: [] as number[] };
  const cases = {
    noop: async () => { samples.noop.push(await time(CACHED, () => noop(cachedEvent))); },
    cached: async () => { samples.cached.push(await time(CACHED, () => handler(cachedEvent))); },
    cold: async () => {
      // Built before the clock starts: only the handler is timed.
      const events = Array.from({ length: COLD }, () => eventFor(`cold-tenant-${coldAccounts++}`));
      samples.cold.push(await time(COLD, (i) => handler(events[i]!)));
    },
  };
  // Warm-up (JIT), then rounds in a rotating order.
  for (const run of Object.values(cases)) await run();
  for (const list of Object.values(samples)) list.length = 0;
  const callsBefore = athenaCalls;
  const names = Object.keys(cases) as (keyof typeof cases)[];
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < names.length; i++) await cases[names[(i + r) % names.length]!]();
  }
  console.log = print;

  const noopUs = median(samples.noop);
  const cachedUs = median(samples.cached);
  const coldUs = median(samples.cold);
  console.log(JSON.stringify({
    scenario: 'lambda-partition-loader',
    node: process.version,
    invocations: { cached: CACHED, cold: COLD },
    recordsPerEvent: RECORDS,
    rounds: ROUNDS,
    results: {
      microsPerInvocation: { noop: round(noopUs), cached: round(cachedUs), cold: round(coldUs) },
      // The no-op costs well under a microsecond, so the difference says more than the ratio.
      addedMicrosVsNoop: { cached: round(cachedUs - noopUs), cold: round(coldUs - noopUs) },
      ratioVsNoop: { cached: round(cachedUs / noopUs), cold: round(coldUs / noopUs) },
      coldVsCached: round(coldUs / cachedUs),
      // Proof the cached runs skipped Athena: one StartQueryExecution per cold invocation only.
      athenaQueries: athenaCalls - callsBefore,
      expectedAthenaQueries: COLD * ROUNDS,
    },
  }));
}

await main();
