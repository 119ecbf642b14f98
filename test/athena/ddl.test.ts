// The DDL files against schema v1, parsed from the .sql text: names AND types, in order.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { AUDIT_EVENT_FIELDS } from '../../core/schema.js';
import { ddlFile, renderDdl, statementText } from '../../cli/ddl.js';

interface Column { name: string; type: string }

function parseColumns(list: string): Column[] {
  return list.split(',\n').map((line) => {
    const m = /^\s*`([a-z_]+)`\s+(\S+)\s*$/.exec(line);
    if (!m) throw new Error(`cannot parse column line: ${line}`);
    return { name: m[1] as string, type: m[2] as string };
  });
}

function parseDdl(sql: string): { columns: Column[]; partitions: Column[] } {
  const m = /CREATE EXTERNAL TABLE[^(]*\(\n([\s\S]*?)\n\)\nPARTITIONED BY \(([^)]*)\)/.exec(sql);
  if (!m) throw new Error('no CREATE EXTERNAL TABLE … PARTITIONED BY in the DDL');
  return { columns: parseColumns(m[1] as string), partitions: parseColumns((m[2] as string).replace(/, /g, ',\n')) };
}

// Athena rejects a data column named like a partition column, so account_id is only a partition.
const expectedColumns = AUDIT_EVENT_FIELDS.filter((f) => f.name !== 'account_id').map((f) => ({ name: f.name, type: f.athenaType }));
const expectedPartitions = [{ name: 'account_id', type: 'string' }, { name: 'dt', type: 'string' }];

for (const projection of [false, true]) {
  const label = projection ? 'create-table-projection.sql' : 'create-table.sql';

  test(`${label}: data columns are schema v1 minus account_id, same names, types and order`, (t) => {
    const { columns, partitions } = parseDdl(readFileSync(ddlFile(projection), 'utf8'));
    t.deepEqual(columns, expectedColumns);
    t.deepEqual(partitions, expectedPartitions);
    t.is(columns.length, 17);
  });

  test(`${label}: OpenX JSON SerDe ignoring malformed lines, located on the data prefix`, (t) => {
    const sql = renderDdl({ projection, bucket: 'audit-bucket', prefix: 'audit/v1' });
    t.true(sql.includes("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'"));
    t.true(sql.includes("'ignore.malformed.json' = 'true'"));
    t.true(sql.includes("LOCATION 's3://audit-bucket/audit/v1/'"));
    t.true(sql.includes('CREATE EXTERNAL TABLE IF NOT EXISTS `http_audit_log`.`audit_events`'));
    t.false(/\$\{(database|table|bucket|prefix)\}/.test(sql));
  });
}

test('projection DDL: account_id injected, dt a yyyy-MM-dd date from 2021-01-01 to NOW, location template kept for Athena', (t) => {
  const sql = renderDdl({ projection: true, bucket: 'audit-bucket', prefix: 'p/', database: 'db1', table: 't1' });
  for (const property of [
    "'projection.enabled' = 'true'",
    "'projection.account_id.type' = 'injected'",
    "'projection.dt.type' = 'date'",
    "'projection.dt.format' = 'yyyy-MM-dd'",
    "'projection.dt.range' = '2021-01-01,NOW'",
    "'storage.location.template' = 's3://audit-bucket/p/account_id=${account_id}/dt=${dt}/'",
  ]) t.true(sql.includes(property), property);
  t.true(sql.includes('`db1`.`t1`'));
});

test('renderDdl without a bucket leaves ${bucket} for the reader to fill; default prefix is the bucket root', (t) => {
  const sql = renderDdl();
  t.true(sql.includes("LOCATION 's3://${bucket}/'"));
});

test('renderDdl rejects names that could break out of backticks or the LOCATION literal', (t) => {
  t.throws(() => renderDdl({ bucket: "b'; DROP TABLE x; --" }), { message: /not a valid S3 bucket name/ });
  t.throws(() => renderDdl({ bucket: 'audit-bucket', prefix: "a'b/" }), { message: /prefix/ });
  t.throws(() => renderDdl({ database: 'db`x' }), { message: /database/ });
  t.throws(() => renderDdl({ table: 'Audit' }), { message: /lower-case/ });
});

test('statementText drops comment lines and the closing semicolon (Athena runs one statement per call)', (t) => {
  const text = statementText(renderDdl({ bucket: 'audit-bucket' }));
  t.true(text.startsWith('CREATE EXTERNAL TABLE'));
  t.false(text.includes('--'));
  t.true(text.endsWith("TBLPROPERTIES ('has_encrypted_data' = 'false')"));
});
