-- The compacted table with partition projection: Athena computes the partitions from the query,
-- so no partition loader is needed. As with the raw projection table, every query MUST filter
-- `account_id` with `=` or `IN (…)` on constant values (the column is `injected`), and `dt` is
-- projected from 2021-01-01 to today (UTC).
--
-- One Parquet file per (account_id, dt), written by the compactor Lambda: each event once,
-- sorted by time. Data columns are schema v1 minus `account_id`; `time` is a TIMESTAMP here.
-- Query the view (create-view-projection.sql), not this table.
--
-- Placeholders ${database}, ${compacted_table}, ${bucket}, ${compacted_prefix} are filled by
-- `http-audit-log athena ddl --projection`; ${account_id} and ${dt} in storage.location.template
-- are Athena's own and stay.
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`${compacted_table}` (
  `id` string,
  `time` timestamp,
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
STORED AS PARQUET
LOCATION 's3://${bucket}/${compacted_prefix}'
TBLPROPERTIES (
  'has_encrypted_data' = 'false',
  'projection.enabled' = 'true',
  'projection.account_id.type' = 'injected',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2021-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${bucket}/${compacted_prefix}account_id=${account_id}/dt=${dt}/'
);
