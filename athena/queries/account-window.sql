-- Everything recorded for one account in a time window, oldest first: what happened to a customer.
-- @param account_id account required The account's real id; empty for calls made outside any account.
-- @param from timestamp required Window start (inclusive), ISO-8601, e.g. 2026-01-31T12:00:00Z.
-- @param to timestamp required Window end (exclusive), ISO-8601.
-- @param user_id string optional Only calls made for this user.
-- @param url_like string optional Only URLs matching this LIKE pattern, e.g. %/orders%.
-- @param status int optional Only responses with this HTTP status.
-- @param limit int default=1000 At most this many rows.
SELECT "time", id, user_id, request_id, method, url, status, duration_ms, error, request_body, response_body
FROM ${table}
WHERE account_id = ${account_id}
  AND dt BETWEEN ${from:dt} AND ${to:dt}
  AND "time" >= ${from}
  AND "time" < ${to}
  AND user_id = ${user_id} -- @if user_id
  AND url LIKE ${url_like} -- @if url_like
  AND status = ${status} -- @if status
ORDER BY "time", id
LIMIT ${limit}
