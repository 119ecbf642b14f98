-- The raw table (gzip NDJSON as the kinesis-to-s3 Lambda or Firehose writes it) with partition projection: Athena computes the partitions from the query,
-- so no partition loader is needed. The price, enforced by Athena:
--   * every query MUST filter `account_id` with `=` or `IN (…)` on constant values (the column is
--     `injected`: Athena cannot list the accounts). A query across all accounts (e.g. `errors`
--     without `account_ids`) fails with a CONSTRAINT_VIOLATION; pass the accounts you want.
--   * `dt` is projected from 2021-01-01 to today (UTC): a dt filter outside that range finds nothing.
--
-- Data columns are schema v1 (core/schema.ts AUDIT_EVENT_FIELDS) minus `account_id`, which is the
-- partition column holding the ENCODED account id from the S3 path: safe ids as they are, other
-- ids as `~` + base64url(UTF-8), `_none` for events outside any account.
--
-- The Hive JSON SerDe, not OpenX's (see create-raw-table.sql for why): a line that is not JSON
-- fails the query, naming the file.
--
-- Placeholders ${database}, ${raw_table}, ${bucket}, ${prefix} are filled by `http-audit-log athena ddl
-- --projection`; ${account_id} and ${dt} in storage.location.template are Athena's own and stay.
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`${raw_table}` (
  `id` string,
  `time` string,
  `user_id` string,
  `request_id` string,
  `method` string,
  `url` string,
  `status` int,
  `duration_ms` double,
  `request_headers` map<string,string>,
  `request_body` string,
  `request_body_truncated` boolean,
  `response_headers` map<string,string>,
  `response_body` string,
  `response_body_truncated` boolean,
  `error` string,
  `client` string,
  `schema_version` int
)
PARTITIONED BY (`account_id` string, `dt` string)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://${bucket}/${prefix}'
TBLPROPERTIES (
  'has_encrypted_data' = 'false',
  'projection.enabled' = 'true',
  'projection.account_id.type' = 'injected',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2021-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${bucket}/${prefix}account_id=${account_id}/dt=${dt}/'
);
