-- The raw table, classic partitions: someone must register each (account_id, dt) partition
-- (the partition-loader Lambda, or MSCK REPAIR TABLE) before Athena sees its data.
--
-- Data columns are schema v1 (core/schema.ts AUDIT_EVENT_FIELDS) minus `account_id`: Athena
-- rejects a data column named like a partition column. The `account_id` partition column holds
-- the ENCODED account id from the S3 path: safe ids ([A-Za-z0-9][A-Za-z0-9._-]*) as they are,
-- any other id as `~` + base64url(UTF-8), and `_none` for events recorded outside any account.
-- The CLI encodes the ids you pass to the named queries; in hand-written SQL use the encoded form.
--
-- The Hive JSON SerDe, not OpenX's: Athena documents that the OpenX SerDe can return more or fewer
-- rows than the data holds, and unexpected NULLs. The Hive SerDe has no `ignore.malformed.json`:
-- a line that is not JSON fails the query, naming the file. Our writers never store one (the
-- kinesis-to-s3 Lambda validates every event and sends malformed records to the errors prefix;
-- the sinks send validated events to Firehose), so a failure there means something else wrote
-- into the prefix, which an audit log should say rather than hide as a row of NULLs.
--
-- Column names are in backticks because `time` is a reserved word in Athena DDL.
-- Placeholders ${database}, ${raw_table}, ${bucket}, ${prefix} are filled by `http-audit-log athena ddl`.
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
TBLPROPERTIES ('has_encrypted_data' = 'false');
