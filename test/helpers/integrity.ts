/**
 * A sealed audit log in s3rver for the integrity tests: the kinesis-to-s3 handler writes events
 * of two accounts (with the s3rver stand-in for If-None-Match, see cli/demo/conditional-put-stand-in.ts),
 * the sealer signs hours with a local P-256 key, and verify runs against the bucket.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHandler as createKinesisToS3 } from '../../lambdas/kinesis-to-s3/index.js';
import { S3ObjectStore } from '../../lambdas/integrity/s3-object-store.js';
import { sealAll } from '../../lambdas/integrity/seal.js';
import { localSigner, type DigestSigner } from '../../lambdas/integrity/signer.js';
import { verifyAccounts, type AccountVerification, type Finding } from '../../lambdas/integrity/verify.js';
import { auditEventFactory, kinesisRecordFactory } from './factories.js';

export const PREFIXES = ['audit/', 'audit-compacted/'];
export const INTEGRITY_PREFIX = 'integrity/';
export const WRITE_TIME = new Date('2026-12-01T10:20:00Z');
export const SEAL_TIME = new Date('2026-12-01T13:00:00Z');

let buckets = 0;

export interface SealedLog {
  s3: S3Client;
  bucket: string;
  store: S3ObjectStore;
  signer: DigestSigner;
  publicKey: KeyObject;
  /** Feeds records to a kinesis-to-s3 handler whose clock reads `at`. */
  /** Its JSON log line is returned, not printed. */
  write(records: ReturnType<typeof kinesisRecordFactory>[], at?: Date): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }>; logs: string[] }>;
  seal(at?: Date): ReturnType<typeof sealAll>;
  verify(options?: { live?: boolean; now?: Date; from?: string; to?: string }): Promise<{ findings: Finding[]; accounts: AccountVerification[] }>;
  put(key: string, body: Buffer | string): Promise<void>;
  remove(key: string): Promise<void>;
}

export function eventRecords(account: string, count: number, shardId = 'shardId-000000000000', day = '2026-12-01') {
  return Array.from({ length: count }, (_, i) => kinesisRecordFactory({
    data: JSON.stringify(auditEventFactory({ account_id: account, time: `${day}T09:${String(i % 60).padStart(2, '0')}:00.000Z` })),
    shardId,
  }));
}

export async function sealedLog(s3: S3Client): Promise<SealedLog> {
  const bucket = `integrity-${++buckets}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = localSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const store = new S3ObjectStore(s3, bucket);
  return {
    s3, bucket, store, signer, publicKey,
    async write(records, at = WRITE_TIME) {
      const handler = createKinesisToS3({ s3, bucket, prefix: PREFIXES[0], now: () => at });
      const logs: string[] = [];
      const consoleLog = console.log;
      console.log = (line: string) => logs.push(line);
      try {
        return { ...await handler({ Records: records }), logs };
      } finally {
        console.log = consoleLog;
      }
    },
    seal: (at = SEAL_TIME) => sealAll({ store, integrityPrefix: INTEGRITY_PREFIX, signer, now: at }),
    async verify(options = {}) {
      const findings: Finding[] = [];
      const accounts = await verifyAccounts({
        data: store, integrity: store, integrityPrefix: INTEGRITY_PREFIX, dataPrefixes: PREFIXES, accounts: ['acme', 'globex'],
        from: options.from ?? '2026-11-30', to: options.to ?? '2026-12-01', publicKey, live: options.live ?? true, now: options.now ?? SEAL_TIME,
        report: (f) => findings.push(f),
      });
      return { findings, accounts };
    },
    async put(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async remove(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
