/**
 * The one DDL statement the loader issues:
 *   ALTER TABLE `db`.`table` ADD IF NOT EXISTS
 *     PARTITION (account_id = '…', dt = '…') LOCATION 's3://…/'
 *     PARTITION (…) LOCATION '…'
 * All new partitions go into one statement; it is split only when it would pass Athena's query
 * size limit. Values are already restricted by parsePartitionPath and the configuration checks;
 * the literal and identifier builders still refuse anything that could end a literal, so a bug
 * upstream becomes an error, never an injection.
 */
import { UnsafeSqlValueError } from '../errors.js';
import type { AnnouncedPartition } from './s3-event-partitions.js';

/** Athena's limit on the text of one query, in bytes. */
export const MAX_QUERY_BYTES = 262_144;

/** A single-quoted SQL string literal. `'` is doubled; `\` and control characters are refused. */
export function sqlStringLiteral(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) {
    throw new UnsafeSqlValueError(`refusing to put ${JSON.stringify(value)} in an SQL string literal (backslash or control character)`);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** A back-quoted Hive/Athena DDL identifier; anything but letters, digits and `_` is refused. */
export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new UnsafeSqlValueError(`refusing ${JSON.stringify(name)} as an SQL identifier`);
  return `\`${name}\``;
}

function partitionClause(partition: AnnouncedPartition): string {
  const { account_id, dt } = partition.values;
  return `PARTITION (account_id = ${sqlStringLiteral(account_id)}, dt = ${sqlStringLiteral(dt)}) LOCATION ${sqlStringLiteral(partition.location)}`;
}

export interface AddPartitionsStatement {
  sql: string;
  partitions: AnnouncedPartition[];
}

/** The statements adding `partitions`: one, unless the text would pass `maxQueryBytes`. */
export function addPartitionsStatements(
  database: string,
  table: string,
  partitions: readonly AnnouncedPartition[],
  maxQueryBytes = MAX_QUERY_BYTES,
): AddPartitionsStatement[] {
  const head = `ALTER TABLE ${quoteIdentifier(database)}.${quoteIdentifier(table)} ADD IF NOT EXISTS`;
  const statements: AddPartitionsStatement[] = [];
  let clauses: string[] = [];
  let members: AnnouncedPartition[] = [];
  let bytes = Buffer.byteLength(head);
  const flush = () => {
    if (clauses.length > 0) statements.push({ sql: [head, ...clauses].join('\n  '), partitions: members });
    clauses = [];
    members = [];
    bytes = Buffer.byteLength(head);
  };
  for (const partition of partitions) {
    const clause = partitionClause(partition);
    const clauseBytes = Buffer.byteLength(clause) + 3; // "\n  " before it
    if (bytes + clauseBytes > maxQueryBytes) {
      if (clauses.length === 0) throw new RangeError(`one partition clause alone is longer than ${maxQueryBytes} bytes`);
      flush();
    }
    clauses.push(clause);
    members.push(partition);
    bytes += clauseBytes;
  }
  flush();
  return statements;
}
