-- Requests per HTTP method for one account on one day: how many, how many failed, how slow.
-- @param account_id account required The account's real id (the CLI encodes it for the partition); empty for calls made outside any account.
-- @param dt date required The day (UTC), YYYY-MM-DD.
SELECT method,
       count(*) AS requests,
       sum(CASE WHEN status >= 400 OR error IS NOT NULL THEN 1 ELSE 0 END) AS errors,
       round(avg(duration_ms), 1) AS avg_duration_ms,
       max(duration_ms) AS max_duration_ms
FROM ${table}
WHERE account_id = ${account_id}
  AND dt = ${dt}
  AND id IS NOT NULL
GROUP BY method
ORDER BY requests DESC, method
