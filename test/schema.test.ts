import test from 'ava';
import {
  AUDIT_EVENT_FIELDS, NO_ACCOUNT_PARTITION, decodeAccountId, encodeAccountId, parsePartitionPath,
  partitionOf, partitionPath, validateAuditEvent,
} from '../core/schema.js';
import { InvalidAuditEventError } from '../core/errors.js';
import { auditEventFactory } from './helpers/factories.js';

test('a factory event is a valid schema-v1 event with exactly the v1 fields', (t) => {
  const e = auditEventFactory();
  t.is(validateAuditEvent(e), e);
  t.deepEqual(Object.keys(e).sort(), AUDIT_EVENT_FIELDS.map((f) => f.name).sort());
});

test('validation names the offending field', (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ status: '200' }, 'status'],
    [{ time: '2026-01-31 12:00:00' }, 'time'],
    [{ client: 'curl' }, 'client'],
    [{ request_headers: { a: 1 } }, 'request_headers'],
    [{ extra: 1 }, 'extra'],
    [{ schema_version: 2 }, 'schema_version'],
    [{ duration_ms: -1 }, 'duration_ms'],
    [{ account_id: 'x'.repeat(300) }, 'account_id'],
  ];
  for (const [patch, field] of cases) {
    const err = t.throws(() => validateAuditEvent({ ...auditEventFactory(), ...patch }), { instanceOf: InvalidAuditEventError });
    t.is(err?.field, field);
    t.true(err!.message.includes(field));
  }
  const missing: Record<string, unknown> = { ...auditEventFactory() };
  delete missing.url;
  t.is(t.throws(() => validateAuditEvent(missing))?.message, 'audit event field "url" is missing');
  t.throws(() => validateAuditEvent('nope'), { message: /JSON object/ });
});

test('partition values: account id and UTC date of time', (t) => {
  const p = partitionOf(auditEventFactory({ account_id: 'acme', time: '2026-03-01T23:59:59.999Z' }));
  t.deepEqual(p, { account_id: 'acme', dt: '2026-03-01' });
  t.is(partitionPath(p), 'account_id=acme/dt=2026-03-01/');
  t.is(partitionOf(auditEventFactory({ account_id: null })).account_id, NO_ACCOUNT_PARTITION);
});

test('account ids outside the safe alphabet are encoded reversibly and never collide', (t) => {
  for (const id of ["o'brien", 'a/b', '..', 'ünïcode', 'x y', '_none', '~x', 'a=b', '-lead']) {
    const enc = encodeAccountId(id);
    t.regex(enc, /^~[A-Za-z0-9_-]+$/, id);
    t.is(decodeAccountId(enc), id);
  }
  for (const id of ['acme', 'Acme-42', 'a.b_c']) t.is(encodeAccountId(id), id);
  t.is(decodeAccountId(NO_ACCOUNT_PARTITION), null);
  t.throws(() => decodeAccountId("a'b"));
});

test('parsePartitionPath accepts the layout and rejects everything else', (t) => {
  t.deepEqual(parsePartitionPath('account_id=acme/dt=2026-01-31/x.json.gz'), { account_id: 'acme', dt: '2026-01-31' });
  t.is(parsePartitionPath('account_id=acme/dt=2026-02-30/x.json.gz'), null);
  t.is(parsePartitionPath("account_id=a'b/dt=2026-01-31/x.json.gz"), null);
  t.is(parsePartitionPath('account_id=acme/dt=2026-01-31/sub/x.json.gz'), null);
  t.is(parsePartitionPath('errors/x.json'), null);
});
