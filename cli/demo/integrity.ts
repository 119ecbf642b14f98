/**
 * The demo's tamper-evidence step: seal every hour written so far with a demo key (the digest
 * Lambda's work, with a local P-256 key instead of KMS), verify the whole bucket, optionally
 * leave a copy of it with the public key for `http-audit-log verify --local`, then change one
 * stored object as an intruder would and show that verify names it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_INTEGRITY_PREFIX } from '../../lambdas/integrity/environment.js';
import { S3ObjectStore } from '../../lambdas/integrity/s3-object-store.js';
import { sealAll } from '../../lambdas/integrity/seal.js';
import { localSigner } from '../../lambdas/integrity/signer.js';
import { listAccounts, verifyAccounts, type AccountVerification, type Finding } from '../../lambdas/integrity/verify.js';
import { downloadPrefix, listAllKeys } from './download.js';

export interface IntegrityDemo {
  s3: S3Client;
  bucket: string;
  prefix: string;
  dataPrefixes: readonly string[];
  from: string;
  to: string;
  /** Where to leave a copy of the bucket and public-key.pem; nothing is kept without it. */
  keep?: string;
  /** The clock the digest step runs at: past every hour a writer named (the demo's compactor runs with a clock at the close of today). */
  sealAt: Date;
  step: (text: string) => void;
  print: (text: string) => void;
}

export interface IntegrityOutcome {
  digests: number;
  verified: AccountVerification[];
  /** Findings on the untouched bucket: none expected. */
  cleanFindings: Finding[];
  tamperedKey: string;
  /** Findings after the tampering: exactly one, for tamperedKey, expected. */
  tamperFindings: Finding[];
}

/** Refuses a --keep folder that already holds something: the demo never mixes its copy into other files. */
export async function checkKeepDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw new Error(`--keep ${dir}: the folder is not empty; give a new or empty one`);
}

async function verifyAll(demo: IntegrityDemo, store: S3ObjectStore, publicKey: ReturnType<typeof generateKeyPairSync>['publicKey']) {
  const findings: Finding[] = [];
  const accounts = await listAccounts(store, store, DEFAULT_INTEGRITY_PREFIX, demo.dataPrefixes);
  const verified = await verifyAccounts({
    data: store, integrity: store, integrityPrefix: DEFAULT_INTEGRITY_PREFIX, dataPrefixes: demo.dataPrefixes, accounts,
    from: demo.from, to: demo.to, publicKey, live: false, now: new Date(), report: (f) => findings.push(f),
  });
  return { findings, verified };
}

export async function sealVerifyAndTamper(demo: IntegrityDemo): Promise<IntegrityOutcome> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = localSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const store = new S3ObjectStore(demo.s3, demo.bucket);
  const sealed = await sealAll({ store, integrityPrefix: DEFAULT_INTEGRITY_PREFIX, signer, now: demo.sealAt });
  const failed = sealed.filter((a) => a.error !== undefined);
  if (failed.length > 0) throw new Error(`sealing failed: ${failed.map((a) => `${a.account_id}: ${a.error}`).join('; ')}`);
  const digests = sealed.reduce((n, a) => n + a.hours + a.backfills, 0);
  demo.step(`digest step at ${demo.sealAt.toISOString()} (local P-256 key ${signer.keyId} in place of KMS): ${digests} signed, chained hourly digests (empty hours too) over ${sealed.length} accounts, ${sealed.reduce((n, a) => n + a.manifests, 0)} manifests sealed`);

  const clean = await verifyAll(demo, store, publicKey);
  const objects = clean.verified.reduce((n, a) => n + a.objects, 0);
  demo.step(`verify ${demo.from}..${demo.to}, all accounts: ${clean.findings.length === 0 ? 'intact' : `${clean.findings.length} findings`}: ${objects} objects checked against their manifests and digests`);
  for (const f of clean.findings.slice(0, 10)) demo.print(`         ${JSON.stringify(f)}\n`);

  if (demo.keep !== undefined) {
    await mkdir(demo.keep, { recursive: true });
    const kept = await downloadPrefix(demo.s3, demo.bucket, '', demo.keep);
    await writeFile(join(demo.keep, 'public-key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    demo.step(`kept a copy of s3://${demo.bucket} in ${demo.keep} (${kept.objects} objects: data, manifests, digests) and the verification key as public-key.pem; check it offline with:`);
    demo.print(`  http-audit-log verify --local ${demo.keep} --public-key ${join(demo.keep, 'public-key.pem')} --all-accounts --from ${demo.from} --to ${demo.to}\n`);
  }

  // An intruder with write access to the data bucket removes one line from the largest stored object.
  let tamperedKey = '';
  let lines: string[] = [];
  for (const key of (await listAllKeys(demo.s3, demo.bucket, demo.prefix)).filter((k) => k.endsWith('.json.gz'))) {
    const answer = await demo.s3.send(new GetObjectCommand({ Bucket: demo.bucket, Key: key }));
    const held = gunzipSync(Buffer.from(await answer.Body!.transformToByteArray())).toString('utf8').split('\n').filter(Boolean);
    if (held.length > lines.length) [tamperedKey, lines] = [key, held];
  }
  await demo.s3.send(new PutObjectCommand({ Bucket: demo.bucket, Key: tamperedKey, Body: gzipSync(`${lines.slice(1).join('\n')}\n`) }));
  const tampered = await verifyAll(demo, store, publicKey);
  demo.step(`removed 1 of ${lines.length} lines from ${tamperedKey}; verify again: ${tampered.findings.length} finding(s), exit code ${tampered.findings.length === 0 ? 0 : 1}:`);
  for (const f of tampered.findings.slice(0, 10)) demo.print(`         ${JSON.stringify(f)}\n`);
  return { digests, verified: clean.verified, cleanFindings: clean.findings, tamperedKey, tamperFindings: tampered.findings };
}
