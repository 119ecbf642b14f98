// Parameter declarations, validation and SQL rendering of the named queries.
import test from 'ava';
import { encodeAccountId } from '../../core/schema.js';
import { getQuery, loadQueryCatalog, parseQueryFile } from '../../cli/query-catalog.js';
import { bindQuery, sqlStringLiteral } from '../../cli/query-binder.js';
import { UsageError } from '../../cli/usage-error.js';

const T = '"audit_events"';

test('the catalog holds the five named queries, each with a description and declared parameters', (t) => {
  const catalog = loadQueryCatalog();
  t.deepEqual([...catalog.keys()], ['account-window', 'errors', 'request-trail', 'requests-per-method', 'slowest-calls']);
  for (const q of catalog.values()) {
    t.true(q.description.length > 20, q.name);
    t.true(q.params.length > 0, q.name);
    t.false(q.template.startsWith('--'), q.name);
  }
});

// Minimal values for every required parameter, to bind each query.
const REQUIRED_VALUES: Record<string, string> = { account_id: 'acme', dt: '2026-01-31', from: '2026-01-30', to: '2026-01-31', request_id: 'r-1' };

test('every query filters on the partition columns so Athena prunes (account_id and/or dt)', (t) => {
  for (const q of loadQueryCatalog().values()) {
    const params = Object.fromEntries(q.params.filter((p) => p.required).map((p) => [p.name, REQUIRED_VALUES[p.name] as string]));
    const sql = bindQuery(q, params, T);
    t.regex(sql, /\bdt (=|BETWEEN) '\d{4}-\d{2}-\d{2}'/, q.name);
    if (q.name !== 'errors') t.regex(sql, /\baccount_id = 'acme'/, q.name);
  }
});

test('errors: exact SQL, with the optional account list absent and present', (t) => {
  const q = getQuery('errors');
  const base = bindQuery(q, { dt: '2026-01-31' }, T);
  t.is(base, `SELECT account_id, "time", id, user_id, request_id, method, url, status, error, duration_ms
FROM "audit_events"
WHERE dt = '2026-01-31'
  AND (status >= 400 OR error IS NOT NULL)
ORDER BY "time", id
LIMIT 1000`);
  const listed = bindQuery(q, { dt: '2026-01-31', account_ids: ['acme', "o'brien/x"], limit: '5' }, T);
  t.true(listed.includes(`  AND account_id IN ('acme', '${encodeAccountId("o'brien/x")}')\n`));
  t.true(listed.endsWith('LIMIT 5'));
});

test('string values are quoted with doubled quotes; a quote cannot end the literal early', (t) => {
  t.is(sqlStringLiteral("a'b''c"), "'a''b''''c'");
  const sql = bindQuery(getQuery('request-trail'), { request_id: "x' OR '1'='1", account_id: 'acme', dt: '2026-01-31' }, T);
  t.true(sql.includes("AND request_id = 'x'' OR ''1''=''1'"));
});

test('account ids are encoded before substitution; an empty id means "no account" (_none)', (t) => {
  const q = getQuery('requests-per-method');
  t.true(bindQuery(q, { account_id: 'Team/Ünïcode', dt: '2026-01-31' }, T).includes(`account_id = '${encodeAccountId('Team/Ünïcode')}'`));
  t.regex(encodeAccountId('Team/Ünïcode'), /^~[A-Za-z0-9_-]+$/);
  t.true(bindQuery(q, { account_id: '', dt: '2026-01-31' }, T).includes("account_id = '_none'"));
});

test('timestamps are normalised to ISO UTC with milliseconds, and give the dt range for pruning', (t) => {
  const sql = bindQuery(getQuery('account-window'), { account_id: 'acme', from: '2026-01-31T23:30:00-02:00', to: '2026-02-02' }, T);
  t.true(sql.includes(`AND dt BETWEEN '2026-02-01' AND '2026-02-02'`));
  t.true(sql.includes(`AND "time" >= '2026-02-01T01:30:00.000Z'`));
  t.true(sql.includes(`AND "time" < '2026-02-02T00:00:00.000Z'`));
  t.false(sql.includes('@if'));
  t.false(sql.includes('user_id ='), 'absent optional filters are left out');
});

test('invalid values are rejected with the parameter named', (t) => {
  const window = getQuery('account-window');
  const base = { account_id: 'acme', from: '2026-01-31T00:00:00Z', to: '2026-02-01T00:00:00Z' };
  const cases: Array<[Record<string, string | string[]>, RegExp]> = [
    [{ ...base, from: '2026-01-31T00:00:00' }, /parameter from: .* ISO-8601 timestamp with a time zone/],
    [{ ...base, from: 'yesterday' }, /parameter from/],
    [{ ...base, to: '2026-02-30T10:00:00Z' }, /parameter to: "2026-02-30T10:00:00Z" is not an ISO-8601 timestamp/],
    [{ ...base, to: '2026-02-30' }, /parameter to/],
    [{ ...base, limit: '10; DROP TABLE x' }, /parameter limit: .* non-negative integer/],
    [{ ...base, limit: '-1' }, /parameter limit/],
    [{ ...base, status: '2.5' }, /parameter status/],
    [{ ...base, user_id: ['a', 'b'] }, /user_id was given 2 times/],
    [{ ...base, nope: 'x' }, /no parameter "nope"; it takes: account_id, from, to, user_id, url_like, status, limit/],
  ];
  for (const [params, message] of cases) {
    const error = t.throws(() => bindQuery(window, params, T), { instanceOf: UsageError });
    t.regex(error.message, message);
  }
  t.throws(() => bindQuery(getQuery('errors'), { dt: '2026-02-30' }, T), { message: /parameter dt: "2026-02-30" is not a date written YYYY-MM-DD/ });
  t.throws(() => bindQuery(getQuery('requests-per-method'), { account_id: 'x'.repeat(257), dt: '2026-01-31' }, T), { message: /at most 256/ });
});

test('a missing required parameter is named with its type and description', (t) => {
  const error = t.throws(() => bindQuery(getQuery('request-trail'), { account_id: 'acme', dt: '2026-01-31' }, T), { instanceOf: UsageError });
  t.is(error.message, "query request-trail: missing parameter request_id (string): The inbound request's id.");
});

test('getQuery on an unknown name lists the known ones', (t) => {
  t.throws(() => getQuery('nope'), { message: 'unknown query "nope"; known queries: account-window, errors, request-trail, requests-per-method, slowest-calls' });
});

test('parseQueryFile rejects malformed headers and undeclared placeholders', (t) => {
  t.throws(() => parseQueryFile('q', '-- x\n-- @param a widget required\nSELECT 1'), { message: /unknown type widget/ });
  t.throws(() => parseQueryFile('q', '-- @param a string sometimes\nSELECT 1'), { message: /malformed/ });
  const q = parseQueryFile('q', '-- Q.\n-- @param a string optional\nSELECT ${b}');
  t.throws(() => bindQuery(q, {}, T), { message: /placeholder \$\{b\} has no value/ });
  const opt = parseQueryFile('q', '-- Q.\n-- @param a string optional\nSELECT ${a}');
  t.throws(() => bindQuery(opt, {}, T), { message: /placeholder \$\{a\} has no value/ }, 'an optional parameter outside -- @if');
});
