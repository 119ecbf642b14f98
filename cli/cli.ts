/**
 * Argument routing for `http-audit-log`: picks the command, loads its module, maps errors to exit
 * codes (0 ok, 1 failure, 2 usage). Command modules are imported on demand, and each imports its
 * optional peer (@aws-sdk/client-athena, @aws-sdk/client-s3, hyparquet, @duckdb/node-api) only
 * when it runs: every `--help`, and `athena ddl` without --apply, need none of them.
 */
import { MissingPeerDependencyError } from '../core/errors.js';
import type { CliIo } from './query-command-options.js';
import { UsageError } from './usage-error.js';

export type { CliIo } from './query-command-options.js';

const HELP = `Usage: http-audit-log <command> [options]

Commands:
  athena ddl     Print (or --apply) the Athena table DDL, classic partitions or --projection
  athena query   Run a named query on Athena and print the rows
  local query    Run a named query with DuckDB over a local copy of the storage layouts
  compact        Compact closed account-days into one deduplicated Parquet file each
  verify         Check stored objects against their signed, chained digests (tamper evidence)

Run \`http-audit-log <command> --help\` for a command's options and the list of queries.
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Commands without a second word. */
const SINGLE_COMMANDS = new Set(['compact', 'verify']);

async function loadCommand(group: string, name: string | undefined): Promise<Command | undefined> {
  try {
    if (group === 'compact') return (await import('./compact-command.js')).compactCommand;
    if (group === 'verify') return (await import('./verify-command.js')).verifyCommand;
    if (group === 'athena') {
      const m = await import('./athena-commands.js');
      return name === 'ddl' ? m.athenaDdlCommand : name === 'query' ? m.athenaQueryCommand : undefined;
    }
    if (group === 'local') {
      const m = await import('./local-commands.js');
      return name === 'query' ? m.localQueryCommand : undefined;
    }
    return undefined;
  } catch (error) {
    throw asPeerError(error, [group, name]);
  }
}

/** A failed import of an optional peer, whenever a command loads it, as the error that says what to install. */
function asPeerError(error: unknown, command: Array<string | undefined>): unknown {
  const missing = /Cannot find (?:package|module) '(@aws-sdk\/client-athena|@aws-sdk\/client-s3|@duckdb\/node-api|hyparquet)'/.exec((error as Error)?.message ?? '');
  return missing ? new MissingPeerDependencyError(missing[1] as string, `http-audit-log ${command.filter(Boolean).join(' ')}`) : error;
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, name, ...rest] = argv;
  try {
    if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
      (group === undefined ? io.stderr : io.stdout).write(HELP);
      return group === undefined ? 2 : 0;
    }
    const command = SINGLE_COMMANDS.has(group) ? await loadCommand(group, undefined)
      : name === undefined || name.startsWith('-') ? undefined : await loadCommand(group, name);
    if (command && SINGLE_COMMANDS.has(group)) return await command(argv.slice(1), io);
    if (!command) {
      if (name === '--help' || name === '-h') {
        io.stdout.write(HELP);
        return 0;
      }
      throw new UsageError(`unknown command "${[group, name].filter(Boolean).join(' ')}"; commands: athena ddl, athena query, local query, compact, verify`);
    }
    return await command(rest, io);
  } catch (caught) {
    const error = asPeerError(caught, [group, SINGLE_COMMANDS.has(group ?? '') ? undefined : name]);
    io.stderr.write(`http-audit-log: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
