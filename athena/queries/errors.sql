-- All error responses (status >= 400) and failed calls (`error` set) on one day, across accounts.
-- @param dt date required The day (UTC), YYYY-MM-DD.
-- @param account_ids account_list optional Only these accounts (repeat the parameter). Required when the table uses partition projection.
-- @param limit int default=1000 At most this many rows.
SELECT account_id, "time", id, user_id, request_id, method, url, status, error, duration_ms
FROM ${table}
WHERE dt = ${dt}
  AND account_id IN (${account_ids}) -- @if account_ids
  AND (status >= 400 OR error IS NOT NULL)
ORDER BY "time", id
LIMIT ${limit}
