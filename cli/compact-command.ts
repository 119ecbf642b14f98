/**
 * `http-audit-log compact --bucket B (--account A --dt D | --all-closed)`: runs the compactor
 * (lambdas/compactor) from a workstation or a CI job, against AWS or any S3-compatible endpoint,
 * and prints what it did per account-day. Exit code 1 when a day failed. The compactor (and with
 * it @aws-sdk/client-s3 and hyparquet, optional peers) is imported only to run, so that `--help`
 * works without them.
 */
import { encodeAccountId } from '../core/schema.js';
import type { CompactionReport } from '../lambdas/compactor/index.js';
import { CompactionRequestError, LambdaConfigurationError } from '../lambdas/errors.js';
import { DEFAULT_COMPACTED_PREFIX, DEFAULT_LATENESS_MS, DEFAULT_LOOKBACK_DAYS, DEFAULT_PREFIX } from '../lambdas/compactor/defaults.js';
import { type CliIo, parseCommandArgs } from './query-command-options.js';
import { s3Client } from './s3-client.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: http-audit-log compact --bucket B --account A --dt YYYY-MM-DD [options]
       http-audit-log compact --bucket B --all-closed [options]

Compacts closed account-days of the raw layout into one deduplicated Parquet file each, with a
manifest beside it (docs/storage.md), exactly as the compactor Lambda does. A day is closed once
it ended (UTC) more than the lateness ago. Re-running is safe: a day already compacted from the
same inputs is skipped as up to date; a day that gained a late object is compacted again.

Options:
  --bucket B               The data bucket (required)
  --account A              The account id, as the app reported it (the CLI encodes it for the
                           path; '' means events recorded outside any account)
  --dt YYYY-MM-DD          The day (UTC)
  --all-closed             Every closed day of the last --lookback-days days, all accounts
  --prefix P               The raw prefix (default ${DEFAULT_PREFIX})
  --compacted-prefix C     The output prefix (default ${DEFAULT_COMPACTED_PREFIX})
  --lateness-minutes N     Minutes after midnight UTC before a day counts as closed (default ${DEFAULT_LATENESS_MS / 60_000})
  --lookback-days N        How far back --all-closed looks (default ${DEFAULT_LOOKBACK_DAYS})
  --endpoint URL           An S3-compatible endpoint (path-style), e.g. a local s3rver
  --region R               AWS region (default: AWS_REGION / the SDK's configuration)
  --format table|json      One line per day (default) or the compactor's report as JSON
  -h, --help               This help
`;

const OPTIONS = {
  bucket: { type: 'string' }, account: { type: 'string' }, dt: { type: 'string' }, 'all-closed': { type: 'boolean' },
  prefix: { type: 'string' }, 'compacted-prefix': { type: 'string' },
  'lateness-minutes': { type: 'string' }, 'lookback-days': { type: 'string' },
  endpoint: { type: 'string' }, region: { type: 'string' }, format: { type: 'string', default: 'table' },
  help: { type: 'boolean', short: 'h' },
} as const;

function wholeNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`compact: --${option} must be a whole number ≥ 0, got "${value}"`);
  return n;
}

function reportLines(report: CompactionReport): string {
  const lines = [
    ...report.compacted.map((d) => `compacted ${d.account_id}/${d.dt}: ${d.inputs} objects → ${d.rows} rows (${d.duplicatesDropped} duplicates dropped) ${d.key}`),
    ...report.skipped.map((d) => `skipped   ${d.account_id}/${d.dt}: ${d.reason}`),
    ...report.failed.map((d) => `FAILED    ${d.account_id}/${d.dt}: ${d.error}`),
  ];
  const summary = `${report.compacted.length} compacted, ${report.skipped.length} skipped, ${report.failed.length} failed`;
  return `${[...lines, summary].join('\n')}\n`;
}

export async function compactCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('compact', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`compact: unexpected arguments: ${positionals.join(' ')}`);
  if (!values.bucket) throw new UsageError('compact: --bucket is required');
  const oneDay = values.account !== undefined || values.dt !== undefined;
  if (oneDay === (values['all-closed'] === true)) throw new UsageError('compact: give either --account and --dt, or --all-closed');
  if (oneDay && (values.account === undefined || values.dt === undefined)) throw new UsageError('compact: --account and --dt go together');
  if (values.format !== 'table' && values.format !== 'json') throw new UsageError(`compact: --format must be table or json, got "${values.format}"`);
  const latenessMinutes = wholeNumber(values['lateness-minutes'], 'lateness-minutes');
  try {
    return await runCompaction(values, latenessMinutes, oneDay, io);
  } catch (error) {
    // A bad bucket, prefix or day is the caller's to fix: a usage error (exit 2), not a failed run.
    if (error instanceof LambdaConfigurationError || error instanceof CompactionRequestError) throw new UsageError(`compact: ${error.message}`);
    throw error;
  }
}

type CompactValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

async function runCompaction(values: CompactValues, latenessMinutes: number | undefined, oneDay: boolean, io: CliIo): Promise<number> {
  const { createHandler } = await import('../lambdas/compactor/index.js');
  const compact = createHandler({
    s3: await s3Client('compact', values.endpoint, values.region),
    bucket: values.bucket as string,
    prefix: values.prefix ?? DEFAULT_PREFIX,
    compactedPrefix: values['compacted-prefix'] ?? DEFAULT_COMPACTED_PREFIX,
    ...(latenessMinutes === undefined ? {} : { latenessMs: latenessMinutes * 60_000 }),
    ...(values['lookback-days'] === undefined ? {} : { lookbackDays: wholeNumber(values['lookback-days'], 'lookback-days') }),
  });
  const report = await compact(oneDay ? { account_id: encodeAccountId(values.account as string), dt: values.dt as string } : undefined);
  io.stdout.write(values.format === 'json' ? `${JSON.stringify(report)}\n` : reportLines(report));
  return report.failed.length > 0 ? 1 : 0;
}
