/**
 * `http-audit-log verify`: checks the stored audit log of an account (or all) over a range of
 * days against its signed, chained digests (lambdas/integrity), in S3 or in a local copy, and
 * reports each object, manifest or digest that is not as sealed. Exit code 0 only when all is
 * intact, 1 with findings, 2 for a usage mistake.
 */
import { readFile } from 'node:fs/promises';
import { decodeAccountId, encodeAccountId, isDtValue } from '../core/schema.js';
import { DEFAULT_COMPACTED_PREFIX, DEFAULT_PREFIX } from '../lambdas/compactor/defaults.js';
import { DEFAULT_INTEGRITY_PREFIX } from '../lambdas/integrity/environment.js';
import type { ObjectStore } from '../lambdas/integrity/object-store.js';
import { readPublicKey } from '../lambdas/integrity/signer.js';
import type { Finding, VerifyProgress } from '../lambdas/integrity/verify.js';
import { LocalObjectStore } from './local-object-store.js';
import { type CliIo, parseCommandArgs } from './query-command-options.js';
import { s3Client } from './s3-client.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: http-audit-log verify --public-key FILE (--account A | --all-accounts) --from YYYY-MM-DD --to YYYY-MM-DD
         (--bucket B [--integrity-bucket IB] | --local DIR) [options]

Walks each account's chain of signed hourly digests and checks every data object of the days
--from..--to against it. Reports, each with its key:
  modified   an object, manifest or digest whose content is not what was sealed
  deleted    an object or manifest a digest lists, gone
  inserted   an object present that no digest lists
  lines      lines added to or removed from an object
  chain      a digest's signature, hash link, Merkle root or number does not hold
  gap        an hour without a digest (in a live bucket also: the latest hours not sealed)
Exit code 0 only when everything is intact.

Options:
  --public-key FILE        The verification key, PEM or DER (SPKI): for KMS, from
                           aws kms get-public-key --key-id K --query PublicKey --output text | base64 -d
  --account A              The account id, as the app reported it (encoded for the path by the CLI)
  --all-accounts           Every account with data or a chain
  --from, --to             The days (UTC, inclusive) whose objects are checked
  --bucket B               The data bucket
  --integrity-bucket IB    Where manifests and digests are (default: the data bucket)
  --local DIR              A local copy of the bucket (data, manifests and digests in its key layout)
  --prefix P               The raw prefix (default ${DEFAULT_PREFIX})
  --compacted-prefix C     The compacted prefix (default ${DEFAULT_COMPACTED_PREFIX})
  --integrity-prefix I     The prefix of manifests and digests (default ${DEFAULT_INTEGRITY_PREFIX})
  --endpoint URL           An S3-compatible endpoint (path-style), e.g. a local s3rver
  --region R               AWS region
  --json                   One finding per line: {"kind", "key", "detail"}; the summary goes to stderr
  -h, --help               This help
`;

const OPTIONS = {
  'public-key': { type: 'string' }, account: { type: 'string' }, 'all-accounts': { type: 'boolean' },
  from: { type: 'string' }, to: { type: 'string' }, bucket: { type: 'string' }, 'integrity-bucket': { type: 'string' },
  local: { type: 'string' }, prefix: { type: 'string' }, 'compacted-prefix': { type: 'string' }, 'integrity-prefix': { type: 'string' },
  endpoint: { type: 'string' }, region: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

type VerifyValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

function prefixOption(value: string | undefined, fallback: string, option: string): string {
  const prefix = value ?? fallback;
  if (prefix !== '' && !prefix.endsWith('/')) throw new UsageError(`verify: --${option} must end with "/", got "${prefix}"`);
  return prefix;
}

function checkArguments(values: VerifyValues, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`verify: unexpected arguments: ${positionals.join(' ')}`);
  if (!values['public-key']) throw new UsageError('verify: --public-key is required (a digest is only as good as the key that checks it)');
  if ((values.account !== undefined) === (values['all-accounts'] === true)) throw new UsageError('verify: give either --account A or --all-accounts');
  for (const option of ['from', 'to'] as const) {
    const value = values[option];
    if (value === undefined) throw new UsageError(`verify: --${option} is required`);
    if (!isDtValue(value)) throw new UsageError(`verify: --${option} must be a day YYYY-MM-DD, got "${value}"`);
  }
  if ((values.from as string) > (values.to as string)) throw new UsageError(`verify: --from ${values.from} is after --to ${values.to}`);
  if ((values.local !== undefined) === (values.bucket !== undefined)) throw new UsageError('verify: give either --bucket B (S3) or --local DIR (a local copy)');
  if (values.local !== undefined && (values['integrity-bucket'] !== undefined || values.endpoint !== undefined)) throw new UsageError('verify: --local reads one directory; --integrity-bucket and --endpoint are for S3');
}

async function stores(values: VerifyValues): Promise<{ data: ObjectStore; integrity: ObjectStore }> {
  if (values.local !== undefined) {
    const local = new LocalObjectStore(values.local);
    return { data: local, integrity: local };
  }
  const { S3ObjectStore } = await import('../lambdas/integrity/s3-object-store.js');
  const s3 = await s3Client('verify', values.endpoint, values.region);
  const data = new S3ObjectStore(s3, values.bucket as string);
  const integrityBucket = values['integrity-bucket'];
  return { data, integrity: integrityBucket === undefined || integrityBucket === values.bucket ? data : new S3ObjectStore(s3, integrityBucket) };
}

/** A progress line on stderr at most every 2 s, so a long run shows it is moving and a short one prints none. */
function progressPrinter(io: CliIo): (p: VerifyProgress) => void {
  let last = Date.now();
  return (p) => {
    const now = Date.now();
    if (now - last < 2_000) return;
    last = now;
    io.stderr.write(`verify: ${p.account}: ${p.phase} ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}\n`);
  };
}

export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('verify', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  checkArguments(values, positionals);
  let publicKey;
  try {
    publicKey = readPublicKey(await readFile(values['public-key'] as string));
  } catch (error) {
    throw new UsageError(`verify: --public-key ${values['public-key']}: ${(error as Error).message}`);
  }
  const integrityPrefix = prefixOption(values['integrity-prefix'], DEFAULT_INTEGRITY_PREFIX, 'integrity-prefix');
  const dataPrefixes = [prefixOption(values.prefix, DEFAULT_PREFIX, 'prefix'), prefixOption(values['compacted-prefix'], DEFAULT_COMPACTED_PREFIX, 'compacted-prefix')];
  const { data, integrity } = await stores(values);
  const { listAccounts, verifyAccounts } = await import('../lambdas/integrity/verify.js');
  const accounts = values.account !== undefined ? [encodeAccountId(values.account)] : await listAccounts(data, integrity, integrityPrefix, dataPrefixes);
  const findings: Finding[] = [];
  const report = (finding: Finding) => {
    findings.push(finding);
    io.stdout.write(values.json ? `${JSON.stringify(finding)}\n` : `${finding.kind.toUpperCase().padEnd(9)} ${finding.key}: ${finding.detail}\n`);
  };
  const results = await verifyAccounts({
    data, integrity, integrityPrefix, dataPrefixes, accounts, from: values.from as string, to: values.to as string,
    publicKey, live: values.local === undefined, now: new Date(), report, progress: progressPrinter(io),
  });
  const summary = results.map((r) => `${decodeAccountId(r.account_id) ?? '(no account)'}: ${r.digests} digests (hours ${r.firstHour ?? '-'}..${r.lastHour ?? '-'}), ${r.objects} objects, ${r.intact} intact${r.compactedAway > 0 ? `, ${r.compactedAway} raw objects expired after compaction` : ''}${r.superseded > 0 ? `, ${r.superseded} compacted objects replaced by a recompaction` : ''}, ${r.findings} findings`);
  const verdict = findings.length === 0 ? `verify: intact: ${accounts.length} account(s), ${values.from}..${values.to}` : `verify: ${findings.length} finding(s) in ${accounts.length} account(s), ${values.from}..${values.to}`;
  (values.json ? io.stderr : io.stdout).write(`${[...summary, verdict].join('\n')}\n`);
  return findings.length === 0 ? 0 : 1;
}
