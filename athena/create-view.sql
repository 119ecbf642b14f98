-- The view every named query reads: each event exactly once, each (account_id, dt) from exactly
-- one table.
--   * A day the compactor has written is served from the compacted Parquet table (duplicate ids
--     already dropped there); `time` is formatted back to the raw table's ISO-8601 string
--     (Date.prototype.toISOString, milliseconds and Z), so queries compare it as before.
--   * A day not compacted yet is served from the raw table, keeping the first copy of each id
--     (ordered by object key, so re-runs pick the same copy).
-- Filters on account_id and dt pass through the UNION ALL and the window (its PARTITION BY holds
-- both), so partition pruning works as on the tables themselves.
--
-- An object that reaches the raw layout after its day was compacted is not seen here until the
-- next compactor run recompacts that day (docs/storage.md, "lateness").
--
-- Placeholders ${database}, ${view}, ${raw_table}, ${compacted_table} are filled by
-- `http-audit-log athena ddl`.
CREATE OR REPLACE VIEW "${database}"."${view}" AS
SELECT "id",
       format_datetime("time", 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS "time",
       "user_id", "request_id", "method", "url", "status", "duration_ms",
       "request_headers", "request_body", "request_body_truncated",
       "response_headers", "response_body", "response_body_truncated",
       "error", "client", "schema_version", "account_id", "dt"
FROM "${database}"."${compacted_table}"
UNION ALL
SELECT "id", "time", "user_id", "request_id", "method", "url", "status", "duration_ms",
       "request_headers", "request_body", "request_body_truncated",
       "response_headers", "response_body", "response_body_truncated",
       "error", "client", "schema_version", "account_id", "dt"
FROM (
  SELECT *, row_number() OVER (PARTITION BY "account_id", "dt", "id" ORDER BY "$path") AS "copy_number"
  FROM "${database}"."${raw_table}"
) AS "raw"
WHERE "raw"."copy_number" = 1
  AND NOT EXISTS (
    SELECT 1 FROM "${database}"."${compacted_table}" AS "compacted"
    WHERE "compacted"."account_id" = "raw"."account_id" AND "compacted"."dt" = "raw"."dt"
  );
