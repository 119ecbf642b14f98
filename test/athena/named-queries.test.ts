// Every named query, run with DuckDB over the fixture in each storage layout (raw, raw with
// duplicate deliveries, compacted Parquet, a mix): the same answer whatever the layout, each event
// once. Expectations are computed here from the fixture events in plain JS, never copied from a
// query's output.
import { rmSync } from 'node:fs';
import test from 'ava';
import type { AuditEvent } from '../../core/schema.js';
import { type LocalQueryRequest, runLocalQuery as runOver } from '../../cli/local-runner.js';
import { byTimeThenId, createFixtureLayouts, FIXTURE_LAYOUTS, type FixtureLayout, isErrorEvent, ODD_ACCOUNT } from '../helpers/athena-fixture.js';
import type { LocalLayout } from '../../cli/local-layout.js';

let root = '';
let events: AuditEvent[] = [];
let layouts: Record<FixtureLayout, LocalLayout>;
test.before(async () => {
  ({ root, events, layouts } = await createFixtureLayouts());
});
test.after.always(() => rmSync(root, { recursive: true, force: true }));

const ids = (rows: ReadonlyArray<Record<string, unknown>>) => rows.map((r) => r.id);
const day = (e: AuditEvent) => e.time.slice(0, 10);

for (const layout of FIXTURE_LAYOUTS) {
  const runLocalQuery = (request: Omit<LocalQueryRequest, 'dir' | 'compactedDir'>) => runOver({ ...layouts[layout], ...request });

  test(`${layout}: requests-per-method: counts, errors, average and max per method for one account and day`, async (t) => {
    const mine = events.filter((e) => e.account_id === 'acme' && day(e) === '2026-01-31');
    const expected = [...new Set(mine.map((e) => e.method))].map((method) => {
      const m = mine.filter((e) => e.method === method);
      const durations = m.map((e) => e.duration_ms);
      return {
        method,
        requests: m.length,
        errors: m.filter(isErrorEvent).length,
        avg_duration_ms: Math.round((durations.reduce((s, x) => s + x, 0) / m.length) * 10) / 10,
        max_duration_ms: Math.max(...durations),
      };
    }).sort((a, b) => b.requests - a.requests || (a.method < b.method ? -1 : 1));
    const rows = await runLocalQuery({ name: 'requests-per-method', params: { account_id: 'acme', dt: '2026-01-31' } });
    t.deepEqual(rows, expected);
    t.is(rows.reduce((s, r) => s + (r.requests as number), 0), mine.length);
    t.true(mine.length > 10 && expected.length >= 3);
  });

  test(`${layout}: requests-per-method: an empty account id selects the calls made outside any account`, async (t) => {
    const none = events.filter((e) => e.account_id === null && day(e) === '2026-02-01');
    const rows = await runLocalQuery({ name: 'requests-per-method', params: { account_id: '', dt: '2026-02-01' } });
    t.is(rows.reduce((s, r) => s + (r.requests as number), 0), none.length);
    t.true(none.length > 0);
  });

  test(`${layout}: account-window: everything for the odd-id account in a window crossing midnight, oldest first`, async (t) => {
    const from = '2026-01-31T08:05:00.000Z';
    const to = '2026-02-01T08:10:00.000Z';
    const expected = events.filter((e) => e.account_id === ODD_ACCOUNT && e.time >= from && e.time < to).sort(byTimeThenId);
    // Offsets are normalised to UTC: 09:05+01:00 is 08:05Z.
    const rows = await runLocalQuery({ name: 'account-window', params: { account_id: ODD_ACCOUNT, from: '2026-01-31T09:05:00+01:00', to } });
    t.true(expected.length > 10);
    t.deepEqual(ids(rows), expected.map((e) => e.id));
    t.deepEqual(rows[0], {
      time: expected[0]!.time, id: expected[0]!.id, user_id: expected[0]!.user_id, request_id: expected[0]!.request_id,
      method: expected[0]!.method, url: expected[0]!.url, status: expected[0]!.status, duration_ms: expected[0]!.duration_ms,
      error: expected[0]!.error, request_body: expected[0]!.request_body, response_body: expected[0]!.response_body,
    });
  });

  test(`${layout}: account-window: the midnight pair of acme is found across two dt partitions`, async (t) => {
    const rows = await runLocalQuery({ name: 'account-window', params: { account_id: 'acme', from: '2026-01-30T23:59:00Z', to: '2026-01-31T00:00:01Z' } });
    t.deepEqual(rows.map((r) => r.request_id), ['req-midnight', 'req-midnight']);
  });

  test(`${layout}: account-window: optional filters by user, URL pattern and status, and the limit`, async (t) => {
    const from = '2026-01-30T00:00:00Z';
    const to = '2026-02-02T00:00:00Z';
    const acme = events.filter((e) => e.account_id === 'acme').sort(byTimeThenId);
    const cases: Array<[Record<string, string>, AuditEvent[]]> = [
      [{ user_id: 'user-2' }, acme.filter((e) => e.user_id === 'user-2')],
      [{ url_like: '%/orders/%' }, acme.filter((e) => e.url.includes('/orders/'))],
      [{ status: '500' }, acme.filter((e) => e.status === 500)],
      [{ user_id: 'user-1', status: '200', url_like: '%/payments/%' }, acme.filter((e) => e.user_id === 'user-1' && e.status === 200 && e.url.includes('/payments/'))],
      [{ limit: '3' }, acme.slice(0, 3)],
    ];
    for (const [filters, expected] of cases) {
      const rows = await runLocalQuery({ name: 'account-window', params: { account_id: 'acme', from, to, ...filters } });
      t.true(expected.length > 0, JSON.stringify(filters));
      t.deepEqual(ids(rows), expected.map((e) => e.id), JSON.stringify(filters));
    }
  });

  test(`${layout}: account-window: a user id with a quote is a value, not SQL (no rows rather than all rows)`, async (t) => {
    const rows = await runLocalQuery({ name: 'account-window', params: { account_id: 'acme', from: '2026-01-30', to: '2026-02-02', user_id: "x' OR '1'='1" } });
    t.deepEqual(rows, []);
  });

  test(`${layout}: errors: every error response and failed call of one day across accounts, with real account ids`, async (t) => {
    const expected = events.filter((e) => day(e) === '2026-01-31' && isErrorEvent(e)).sort(byTimeThenId);
    const rows = await runLocalQuery({ name: 'errors', params: { dt: '2026-01-31' } });
    t.deepEqual(ids(rows), expected.map((e) => e.id));
    t.deepEqual(rows.map((r) => r.account_id), expected.map((e) => e.account_id));
    t.is(new Set(rows.map((r) => r.account_id)).size, 4, 'all three accounts and the no-account calls');
    t.true(rows.some((r) => r.status === null && r.error !== null), 'network errors are included');
  });

  test(`${layout}: errors: restricted to a list of accounts (the form partition projection needs)`, async (t) => {
    const wanted = new Set<string | null>(['globex', ODD_ACCOUNT]);
    const expected = events.filter((e) => day(e) === '2026-02-01' && isErrorEvent(e) && wanted.has(e.account_id)).sort(byTimeThenId);
    const rows = await runLocalQuery({ name: 'errors', params: { dt: '2026-02-01', account_ids: ['globex', ODD_ACCOUNT] } });
    t.deepEqual(ids(rows), expected.map((e) => e.id));
  });

  test(`${layout}: slowest-calls: top N by duration for one account over a date range`, async (t) => {
    const expected = events
      .filter((e) => e.account_id === 'globex' && day(e) >= '2026-01-30' && day(e) <= '2026-01-31')
      .sort((a, b) => b.duration_ms - a.duration_ms || (a.id < b.id ? -1 : 1));
    const top5 = await runLocalQuery({ name: 'slowest-calls', params: { account_id: 'globex', from: '2026-01-30', to: '2026-01-31', limit: 5 } });
    t.deepEqual(ids(top5), expected.slice(0, 5).map((e) => e.id));
    t.deepEqual(top5.map((r) => r.duration_ms), expected.slice(0, 5).map((e) => e.duration_ms));
    const byDefault = await runLocalQuery({ name: 'slowest-calls', params: { account_id: 'globex', from: '2026-01-30', to: '2026-01-31' } });
    t.is(byDefault.length, Math.min(20, expected.length));
  });

  test(`${layout}: request-trail: every call of one inbound request, in order, with bodies`, async (t) => {
    const trail = events.filter((e) => e.request_id === 'req-2-1-1').sort(byTimeThenId);
    const rows = await runLocalQuery({ name: 'request-trail', params: { request_id: 'req-2-1-1', account_id: ODD_ACCOUNT, dt: '2026-01-31' } });
    t.is(trail.length, 4);
    t.deepEqual(ids(rows), trail.map((e) => e.id));
    t.deepEqual(rows.map((r) => r.request_body), trail.map((e) => e.request_body));
    t.deepEqual(rows.map((r) => r.client), trail.map((e) => e.client));
  });
}
