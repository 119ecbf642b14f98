-- The full trail of one inbound request: every outbound call made while serving it, in order.
-- A request that crossed midnight UTC has calls under two days: run it once per day.
-- @param request_id string required The inbound request's id.
-- @param account_id account required The account's real id; empty for calls made outside any account.
-- @param dt date required The day (UTC) the request was served, YYYY-MM-DD.
SELECT "time", id, user_id, method, url, status, duration_ms, error, request_body, request_body_truncated, response_body, response_body_truncated, client
FROM ${table}
WHERE account_id = ${account_id}
  AND dt = ${dt}
  AND request_id = ${request_id}
ORDER BY "time", id
