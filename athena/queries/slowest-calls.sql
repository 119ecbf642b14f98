-- The slowest calls of one account over a range of days, slowest first.
-- @param account_id account required The account's real id; empty for calls made outside any account.
-- @param from date required First day (UTC, inclusive), YYYY-MM-DD.
-- @param to date required Last day (UTC, inclusive), YYYY-MM-DD.
-- @param limit int default=20 How many calls.
SELECT "time", id, user_id, request_id, method, url, status, duration_ms, error
FROM ${table}
WHERE account_id = ${account_id}
  AND dt BETWEEN ${from} AND ${to}
  AND id IS NOT NULL
ORDER BY duration_ms DESC, id
LIMIT ${limit}
