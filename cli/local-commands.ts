/**
 * `http-audit-log local query NAME --dir D --param k=v …`: a named query with DuckDB over local
 * files. The runner (and with it @duckdb/node-api, an optional peer) is imported only to run a
 * query, so that `--help` works without it.
 */
import { loadQueryCatalog } from './query-catalog.js';
import {
  type CliIo, collectParams, listQueries, parseCommandArgs, QUERY_OUTPUT_HELP, QUERY_OUTPUT_OPTIONS, queryNameOrHelp, writeResult,
} from './query-command-options.js';
import { UsageError } from './usage-error.js';

function localQueryHelp(): string {
  return `Usage: http-audit-log local query NAME [--dir DIR] [--compacted-dir DIR] [--param NAME=VALUE …]

Runs a named query with DuckDB over local copies of the storage layouts, through the same view
as Athena's (each event once; a day with a compacted file is read from it, other days from the
raw files, duplicate ids dropped). Same SQL and parameters as \`athena query\`.

Options:
  --dir DIR                The raw layout: DIR/account_id=<id>/dt=<YYYY-MM-DD>/*.json.gz|*.ndjson|*.json
                           (the file sink's folder or a downloaded raw prefix)
  --compacted-dir DIR      The compacted layout: DIR/account_id=<id>/dt=<YYYY-MM-DD>/*.parquet
                           (a downloaded compacted prefix); at least one of the two
${QUERY_OUTPUT_HELP}

Queries:
${listQueries(loadQueryCatalog())}
`;
}

export async function localQueryCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('local query', argv, {
    ...QUERY_OUTPUT_OPTIONS, dir: { type: 'string' }, 'compacted-dir': { type: 'string' },
  });
  const name = queryNameOrHelp('local query', positionals, values.help, io, localQueryHelp);
  if (name === undefined) return 0;
  if (!values.dir && !values['compacted-dir']) throw new UsageError('local query: --dir or --compacted-dir is required');
  const { runLocalNamedQuery } = await import('./local-runner.js');
  const result = await runLocalNamedQuery({ name, dir: values.dir, compactedDir: values['compacted-dir'], params: collectParams(values.param) });
  writeResult(io, result, values);
  return 0;
}
