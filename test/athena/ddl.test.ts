// The DDL files against schema v1, parsed from the .sql text: names AND types, in order.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { AUDIT_EVENT_FIELDS } from '../../core/schema.js';
import { ddlFile, renderAllDdl, renderDdl, statementText } from '../../cli/ddl.js';
import { PARQUET_COLUMNS } from '../../lambdas/compactor/parquet-file.js';

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
// The compacted table has the same columns, with `time` a timestamp (INT64 TIMESTAMP(MILLIS, UTC) in the files).
const expectedCompactedColumns = expectedColumns.map((c) => (c.name === 'time' ? { ...c, type: 'timestamp' } : c));

for (const projection of [false, true]) {
  const variant = projection ? 'projection' : 'classic';

  test(`${variant} raw table: data columns are schema v1 minus account_id, same names, types and order`, (t) => {
    const { columns, partitions } = parseDdl(readFileSync(ddlFile('raw', projection), 'utf8'));
    t.deepEqual(columns, expectedColumns);
    t.deepEqual(partitions, expectedPartitions);
    t.is(columns.length, 17);
  });

  test(`${variant} compacted table: the Parquet file's columns (parquet-file.ts), time a timestamp, same partitions`, (t) => {
    const { columns, partitions } = parseDdl(readFileSync(ddlFile('compacted', projection), 'utf8'));
    t.deepEqual(columns, expectedCompactedColumns);
    t.deepEqual(columns.map((c) => c.name), PARQUET_COLUMNS.map((f) => f.name));
    t.deepEqual(partitions, expectedPartitions);
    const sql = renderDdl('compacted', { projection, bucket: 'audit-bucket', prefix: 'audit/', compactedPrefix: 'audit-compacted' });
    t.true(sql.includes('STORED AS PARQUET'));
    t.true(sql.includes("LOCATION 's3://audit-bucket/audit-compacted/'"));
    t.true(sql.includes('CREATE EXTERNAL TABLE IF NOT EXISTS `http_audit_log`.`audit_events_compacted`'));
  });

  test(`${variant} raw table: the Hive JSON SerDe (not OpenX's, whose row counts Athena documents as unreliable), located on the data prefix`, (t) => {
    const sql = renderDdl('raw', { projection, bucket: 'audit-bucket', prefix: 'audit/v1' });
    t.true(statementText(sql).includes("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'"));
    t.false(statementText(sql).includes('openx'));
    t.true(sql.includes("LOCATION 's3://audit-bucket/audit/v1/'"));
    t.true(sql.includes('CREATE EXTERNAL TABLE IF NOT EXISTS `http_audit_log`.`audit_events_raw`'));
    t.false(/\$\{(database|table|raw_table|compacted_table|view|bucket|prefix|compacted_prefix)\}/.test(renderAllDdl({ projection, bucket: 'audit-bucket', prefix: 'audit/v1' })));
  });
}

test('projection DDL: account_id injected, dt a yyyy-MM-dd date from 2021-01-01 to NOW, location template kept for Athena', (t) => {
  for (const kind of ['raw', 'compacted'] as const) {
    const sql = renderDdl(kind, { projection: true, bucket: 'audit-bucket', prefix: 'p/', compactedPrefix: 'c/', database: 'db1', table: 't1' });
    for (const property of [
      "'projection.enabled' = 'true'",
      "'projection.account_id.type' = 'injected'",
      "'projection.dt.type' = 'date'",
      "'projection.dt.format' = 'yyyy-MM-dd'",
      "'projection.dt.range' = '2021-01-01,NOW'",
      `'storage.location.template' = 's3://audit-bucket/${kind === 'raw' ? 'p' : 'c'}/account_id=\${account_id}/dt=\${dt}/'`,
    ]) t.true(sql.includes(property), `${kind}: ${property}`);
    t.true(sql.includes(`\`db1\`.\`t1_${kind}\``));
  }
});

test('the view reads both tables: compacted rows with time formatted back to the ISO string, raw rows deduplicated by id, raw days with a compacted copy left out', (t) => {
  const sql = renderDdl('view', { database: 'db1', table: 't1' });
  t.true(sql.includes('CREATE OR REPLACE VIEW "db1"."t1" AS'));
  t.true(sql.includes('FROM "db1"."t1_compacted"'));
  t.true(sql.includes('FROM "db1"."t1_raw"'));
  t.true(sql.includes(`format_datetime("time", 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS "time"`));
  t.true(sql.includes('row_number() OVER (PARTITION BY "account_id", "dt", "id" ORDER BY "$path")'));
  t.regex(sql, /NOT EXISTS \(\s*SELECT 1 FROM "db1"\."t1_compacted"/);
  // Both branches of the UNION ALL list the same columns: the raw table's data columns, then the partitions.
  const selects = [...statementText(sql).matchAll(/SELECT ("id",[\s\S]*?"dt")\s*\nFROM/g)]
    .map((m) => m[1]!.replace(/format_datetime\(.*\) AS /, '').split(',').map((c) => c.trim()));
  t.is(selects.length, 2);
  const expected = [...expectedColumns.map((c) => `"${c.name}"`), '"account_id"', '"dt"'];
  t.deepEqual(selects[0], expected);
  t.deepEqual(selects[1], expected);
});

test('renderDdl without a bucket leaves ${bucket} for the reader to fill; default prefix is the bucket root, compacted prefix audit-compacted/', (t) => {
  t.true(renderDdl('raw').includes("LOCATION 's3://${bucket}/'"));
  t.true(renderDdl('compacted').includes("LOCATION 's3://${bucket}/audit-compacted/'"));
});

test('renderDdl rejects names that could break out of backticks or the LOCATION literal, and layouts inside one another', (t) => {
  t.throws(() => renderDdl('raw', { bucket: "b'; DROP TABLE x; --" }), { message: /not a valid S3 bucket name/ });
  t.throws(() => renderDdl('raw', { bucket: 'audit-bucket', prefix: "a'b/" }), { message: /prefix/ });
  t.throws(() => renderDdl('view', { database: 'db`x' }), { message: /database/ });
  t.throws(() => renderDdl('view', { table: 'Audit' }), { message: /lower-case/ });
  t.throws(() => renderDdl('compacted', { compactedPrefix: 'c"/' }), { message: /compacted prefix/ });
  t.throws(() => renderDdl('raw', { prefix: 'audit/', compactedPrefix: 'audit/compacted/' }), { message: /must not contain one another/ });
});

test('statementText drops comment lines and the closing semicolon (Athena runs one statement per call)', (t) => {
  const text = statementText(renderDdl('raw', { bucket: 'audit-bucket' }));
  t.true(text.startsWith('CREATE EXTERNAL TABLE'));
  t.false(text.includes('--'));
  t.true(text.endsWith("TBLPROPERTIES ('has_encrypted_data' = 'false')"));
  t.true(statementText(renderDdl('view')).startsWith('CREATE OR REPLACE VIEW'));
});
