/**
 * Clients the library builds (`new KinesisClient({})`, `new FirehoseClient({})`) honour the AWS
 * SDK's own environment, end to end: a child process calls `auditLog({ handleSignals: false })`
 * with no sink, stream or client options, and its events must arrive, SigV4-signed with the
 * environment's credentials and region, at the endpoint named by AWS_ENDPOINT_URL_<SERVICE>.
 *
 * kinesalite only speaks HTTP/1.1 while the SDK's default Kinesis handler is NodeHttp2Handler
 * (which, for an http:// endpoint, speaks HTTP/2 cleartext with prior knowledge: h2c), so the
 * Kinesis endpoint here is a small wire-level stand-in on node:http2 that speaks just enough of
 * the Kinesis JSON protocol (PutRecords). Firehose's default handler is NodeHttpHandler
 * (HTTP/1.1), so its stand-in is on node:http. Both only record requests and answer success.
 */
import test, { type ExecutionContext } from 'ava';
import http from 'node:http';
import http2 from 'node:http2';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const FIXTURE = fileURLToPath(new URL('../fixtures/sdk-env-app.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVENTS = 5;

interface Recorded {
  httpVersion: string;
  target: string;
  authorization: string;
  body: Record<string, unknown>;
}

type Reply = (target: string, body: Record<string, unknown>) => Record<string, unknown>;

/** Reads a request's JSON body, records it and answers with `reply(...)` as application/x-amz-json-1.1. */
function handle(recorded: Recorded[], reply: Reply) {
  return (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      recorded.push({ httpVersion: req.httpVersion, target, authorization: String(req.headers.authorization ?? ''), body });
      const out = reply(target, body);
      const status = typeof out.__type === 'string' ? 400 : 200;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(out));
    });
  };
}

const kinesisReply: Reply = (target, body) => {
  if (target !== 'Kinesis_20131202.PutRecords') return { __type: 'UnknownOperationException', message: target };
  const records = body.Records as unknown[];
  return { FailedRecordCount: 0, Records: records.map((_, i) => ({ SequenceNumber: String(i + 1), ShardId: 'shardId-000000000000' })) };
};

const firehoseReply: Reply = (target, body) => {
  if (target !== 'Firehose_20150804.PutRecordBatch') return { __type: 'UnknownOperationException', message: target };
  const records = body.Records as unknown[];
  return { FailedPutCount: 0, RequestResponses: records.map((_, i) => ({ RecordId: String(i + 1) })) };
};

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ids: string[];
  stdout: string;
  stderr: string;
}

/** Runs the fixture with a clean environment: PATH, an empty HOME, EVENTS and exactly the variables given (nothing else AWS-related). */
async function runChild(vars: Record<string, string>): Promise<ChildResult> {
  const home = await mkdtemp(path.join(tmpdir(), 'sdk-env-home-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // An empty home: no ~/.aws config or credentials files of the machine running the tests.
    HOME: home,
    EVENTS: String(EVENTS),
    ...vars,
  };
  const child = spawn(process.execPath, ['--import=tsx', FIXTURE], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  await rm(home, { recursive: true, force: true });
  const line = stdout.split('\n').find((l) => l.startsWith('IDS '));
  const ids = line === undefined ? [] : (JSON.parse(line.slice(4)) as string[]);
  return { code, signal, ids, stdout, stderr };
}

/** Event ids carried by the records (base64 Data → JSON event). */
function idsIn(recorded: Recorded[], target: string, streamField: string, stream: string): string[] {
  return recorded
    .filter((r) => r.target === target && r.body[streamField] === stream)
    .flatMap((r) => (r.body.Records as Array<{ Data: string }>).map((rec) => (JSON.parse(Buffer.from(rec.Data, 'base64').toString('utf8')) as { id: string }).id));
}

const credentialOf = (authorization: string) => /Credential=([^,]+)/.exec(authorization)?.[1] ?? '';

interface ServiceCase {
  sink: 'kinesis' | 'firehose';
  protocol: string;
  httpVersion: string;
  startServer: (recorded: Recorded[]) => http.Server | http2.Http2Server;
  endpointVar: string;
  streamVar: string;
  stream: string;
  target: string;
  streamField: string;
  /** Extra per-request checks for this service. */
  check?: (t: ExecutionContext, body: Record<string, unknown>) => void;
}

const CASES: ServiceCase[] = [
  {
    sink: 'kinesis', protocol: 'HTTP/2 h2c', httpVersion: '2.0',
    startServer: (recorded) => http2.createServer(handle(recorded, kinesisReply)),
    endpointVar: 'AWS_ENDPOINT_URL_KINESIS', streamVar: 'AUDIT_LOG_KINESIS_STREAM', stream: 'audit-env-test',
    target: 'Kinesis_20131202.PutRecords', streamField: 'StreamName',
    check: (t, body) => {
      for (const rec of body.Records as Array<{ PartitionKey: unknown }>) t.is(typeof rec.PartitionKey, 'string');
    },
  },
  {
    sink: 'firehose', protocol: 'HTTP/1.1', httpVersion: '1.1',
    startServer: (recorded) => http.createServer(handle(recorded, firehoseReply)),
    endpointVar: 'AWS_ENDPOINT_URL_FIREHOSE', streamVar: 'AUDIT_LOG_FIREHOSE_STREAM', stream: 'audit-env-firehose',
    target: 'Firehose_20150804.PutRecordBatch', streamField: 'DeliveryStreamName',
  },
];

for (const c of CASES) {
  test(`${c.sink}: auditLog() with no options honours AWS_REGION, credentials, ${c.endpointVar}, AUDIT_LOG_SINK and ${c.streamVar} (wire-level ${c.protocol} stand-in)`, async (t) => {
    const recorded: Recorded[] = [];
    const server = c.startServer(recorded);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.teardown(() => server.close());
    const port = (server.address() as AddressInfo).port;

    const r = await runChild({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      [c.endpointVar]: `http://127.0.0.1:${port}`,
      AUDIT_LOG_SINK: c.sink,
      [c.streamVar]: c.stream,
    });
    t.is(r.code, 0, r.stderr);
    t.is(r.signal, null);
    t.is(r.ids.length, EVENTS, r.stdout);

    t.true(recorded.length > 0, 'the stand-in received no request');
    for (const req of recorded) {
      t.is(req.httpVersion, c.httpVersion);
      t.is(req.target, c.target);
      t.is(req.body[c.streamField], c.stream);
      t.true(req.authorization.startsWith('AWS4-HMAC-SHA256 '), req.authorization);
      t.regex(credentialOf(req.authorization), new RegExp(`^AKIDTEST/\\d{8}/eu-west-1/${c.sink}/aws4_request$`));
      c.check?.(t, req.body);
    }
    t.deepEqual(idsIn(recorded, c.target, c.streamField, c.stream).sort(), [...r.ids].sort());
  });
}
