/**
 * Shared by the sink tests: a real Express 5 app whose every inbound request makes one outbound
 * POST (fetch) to a real upstream, a load driver, and a PutRecords meter (client middleware).
 */
import express from 'express';
import http from 'node:http';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { listen, startUpstream, type Running } from '../helpers/servers.js';
import { startKinesalite, type Kinesalite } from '../helpers/kinesalite.js';
import type { AuditEvent, AuditLog } from '../../index.js';

/** Express app: GET /call?n=<n> → POST <upstream>/json, then answers. */
export async function startApp(audit: AuditLog, upstreamUrl: string): Promise<Running> {
  const app = express();
  app.use(audit);
  app.get('/call', async (req, res) => {
    const r = await fetch(`${upstreamUrl}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: req.query.n }) });
    await r.arrayBuffer();
    res.json({ ok: true });
  });
  return listen(http.createServer(app));
}

/** Makes `count` inbound requests, `concurrency` at a time, with account ids cycling over `accounts`. */
export async function drive(appUrl: string, count: number, concurrency = 50, accounts = 7): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const res = await fetch(`${appUrl}/call?n=${n}`, { headers: { 'x-account': `acct-${n % accounts}` } });
      if (res.status !== 200) throw new Error(`inbound request ${n} answered ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export const identifyByHeader = (req: { headers: Record<string, string | undefined> }) => ({ accountId: req.headers['x-account'] ?? null, userId: 'u-1' });

/** Ids of every event the instance emitted on its bus (i.e. handed to the dispatcher). */
export function collectIds(audit: AuditLog): string[] {
  const ids: string[] = [];
  audit.on('event', (e: AuditEvent) => ids.push(e.id));
  return ids;
}

export interface PutRecordsCall {
  records: number;
  bytes: number;
}

/** Records count and bytes (data + partition key) of every PutRecords call the client sends. */
export function meterPutRecords(client: KinesisClient): PutRecordsCall[] {
  const calls: PutRecordsCall[] = [];
  client.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === 'PutRecordsCommand') {
      const input = args.input as { Records: Array<{ Data: Uint8Array; PartitionKey: string }> };
      calls.push({
        records: input.Records.length,
        bytes: input.Records.reduce((n, r) => n + r.Data.byteLength + Buffer.byteLength(r.PartitionKey), 0),
      });
    }
    return next(args);
  }, { step: 'initialize', name: 'meterPutRecords' });
  return calls;
}

/** Parses the event ids out of records read back from a stream; counts each id. */
export function idCounts(datas: Iterable<Uint8Array | string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of datas) {
    const id = (JSON.parse(Buffer.from(d).toString('utf8')) as AuditEvent).id;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Runs `load` against an Express app wired to `audit`, then flushes and closes everything (plus `also`). */
export async function underLoad(audit: AuditLog, upstreamUrl: string, load: (appUrl: string) => Promise<void>, also: Array<{ close(): Promise<void> }> = []): Promise<void> {
  const app = await startApp(audit, upstreamUrl);
  try {
    await load(app.url);
    await audit.flush();
  } finally {
    await app.close();
    await audit.close();
    for (const c of also) await c.close();
  }
}

/** Starts kinesalite and an upstream before the file's tests and stops them after. */
export function kinesaliteAndUpstream(test: { before(fn: () => Promise<void>): void; after: { always(fn: () => Promise<void>): void } }): { kinesis: Kinesalite; upstream: Running } {
  const env = {} as { kinesis: Kinesalite; upstream: Running };
  test.before(async () => {
    env.kinesis = await startKinesalite();
    env.upstream = await startUpstream();
  });
  test.after.always(async () => {
    await env.upstream?.close();
    await env.kinesis?.stop();
  });
  return env;
}
