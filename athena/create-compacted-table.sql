-- The compacted table, classic partitions: one Parquet file per (account_id, dt), written by the
-- compactor Lambda under the compacted prefix, each event once (duplicate ids dropped), sorted by
-- time. Someone must register each partition before Athena sees it: the template's second
-- partition loader (S3 events on the compacted prefix), or MSCK REPAIR TABLE.
--
-- Data columns are schema v1 minus `account_id` (the partition column, ENCODED as in the raw
-- layout), in the raw table's order; `time` is a TIMESTAMP here (INT64 TIMESTAMP(MILLIS, UTC) in
-- the files), not the raw table's ISO string. Query the view (create-view.sql), which gives
-- `time` back as the same ISO string and serves each day from exactly one table.
--
-- Placeholders ${database}, ${compacted_table}, ${bucket}, ${compacted_prefix} are filled by
-- `http-audit-log athena ddl`.
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
TBLPROPERTIES ('has_encrypted_data' = 'false');
