/**
 * Audit event schema v1 and its storage layout: the one place that defines the record's
 * fields, how an event is validated, and which partition (`account_id`, `dt`) it belongs to.
 *
 * The capture side, the file sink, the Lambdas, the Athena DDL test and the CLI all read it
 * from here. It imports only the errors and the event's type, so that a Lambda bundle stays small.
 */
import { InvalidAuditEventError, InvalidPartitionError } from './errors.js';
import { SCHEMA_VERSION, type AuditEvent } from './types/audit-event.js';

export { SCHEMA_VERSION, type AuditEvent };

export type AuditEventField = keyof AuditEvent;

/** The field list in column order, with the Athena type of each. Tests compare the DDL to it. */
export const AUDIT_EVENT_FIELDS: ReadonlyArray<{ name: AuditEventField; athenaType: string; nullable: boolean }> = [
  { name: 'id', athenaType: 'string', nullable: false },
  { name: 'time', athenaType: 'string', nullable: false },
  { name: 'account_id', athenaType: 'string', nullable: true },
  { name: 'user_id', athenaType: 'string', nullable: true },
  { name: 'request_id', athenaType: 'string', nullable: true },
  { name: 'method', athenaType: 'string', nullable: false },
  { name: 'url', athenaType: 'string', nullable: false },
  { name: 'status', athenaType: 'int', nullable: true },
  { name: 'duration_ms', athenaType: 'double', nullable: false },
  { name: 'request_headers', athenaType: 'map<string,string>', nullable: false },
  { name: 'request_body', athenaType: 'string', nullable: true },
  { name: 'request_body_truncated', athenaType: 'boolean', nullable: false },
  { name: 'response_headers', athenaType: 'map<string,string>', nullable: false },
  { name: 'response_body', athenaType: 'string', nullable: true },
  { name: 'response_body_truncated', athenaType: 'boolean', nullable: false },
  { name: 'error', athenaType: 'string', nullable: true },
  { name: 'client', athenaType: 'string', nullable: false },
  { name: 'schema_version', athenaType: 'int', nullable: false },
];

const FIELD_NAMES = new Set<string>(AUDIT_EVENT_FIELDS.map((f) => f.name));
const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Longest account or user id accepted (characters). Keeps S3 keys and Kinesis partition keys in bounds. */
export const MAX_ID_LENGTH = 256;

function fail(field: string, problem: string): never {
  throw new InvalidAuditEventError(`audit event field "${field}" ${problem}`, field);
}

function checkNullableString(o: Record<string, unknown>, field: string, max?: number): void {
  const v = o[field];
  if (v === null) return;
  if (typeof v !== 'string') fail(field, `must be a string or null, got ${describe(v)}`);
  if (max !== undefined && v.length > max) fail(field, `is longer than ${max} characters`);
}

function checkHeaders(o: Record<string, unknown>, field: string): void {
  const v = o[field];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(field, `must be an object of strings, got ${describe(v)}`);
  for (const [k, hv] of Object.entries(v as object)) {
    if (typeof hv !== 'string') fail(field, `header "${k}" must be a string, got ${describe(hv)}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/**
 * Checks that `value` is a schema-v1 audit event with exactly the v1 fields, and returns it typed.
 * Throws InvalidAuditEventError naming the first offending field.
 */
export function validateAuditEvent(value: unknown): AuditEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidAuditEventError(`an audit event must be a JSON object, got ${describe(value)}`);
  }
  const o = value as Record<string, unknown>;
  if (o.schema_version !== SCHEMA_VERSION) fail('schema_version', `must be ${SCHEMA_VERSION}, got ${JSON.stringify(o.schema_version) ?? 'undefined'}`);
  for (const name of FIELD_NAMES) if (!(name in o)) fail(name, 'is missing');
  for (const name of Object.keys(o)) if (!FIELD_NAMES.has(name)) fail(name, 'is not a schema v1 field');
  if (typeof o.id !== 'string' || o.id.length === 0 || o.id.length > 128) fail('id', 'must be a non-empty string of at most 128 characters');
  if (typeof o.time !== 'string' || !ISO_MS_UTC.test(o.time) || Number.isNaN(Date.parse(o.time))) {
    fail('time', `must be ISO-8601 UTC with milliseconds (e.g. 2026-01-31T12:00:00.000Z), got ${JSON.stringify(o.time)}`);
  }
  checkNullableString(o, 'account_id', MAX_ID_LENGTH);
  checkNullableString(o, 'user_id', MAX_ID_LENGTH);
  checkNullableString(o, 'request_id', MAX_ID_LENGTH);
  if (typeof o.method !== 'string' || !/^[A-Z][A-Z0-9_-]*$/.test(o.method)) fail('method', 'must be an upper-case HTTP method');
  if (typeof o.url !== 'string') fail('url', `must be a string, got ${describe(o.url)}`);
  if (o.status !== null && !(Number.isInteger(o.status) && (o.status as number) >= 100 && (o.status as number) <= 999)) {
    fail('status', 'must be an integer HTTP status (100-999) or null');
  }
  if (typeof o.duration_ms !== 'number' || !Number.isFinite(o.duration_ms) || o.duration_ms < 0) fail('duration_ms', 'must be a finite number ≥ 0');
  checkHeaders(o, 'request_headers');
  checkHeaders(o, 'response_headers');
  checkNullableString(o, 'request_body');
  checkNullableString(o, 'response_body');
  if (typeof o.request_body_truncated !== 'boolean') fail('request_body_truncated', 'must be a boolean');
  if (typeof o.response_body_truncated !== 'boolean') fail('response_body_truncated', 'must be a boolean');
  checkNullableString(o, 'error');
  if (o.client !== 'fetch' && o.client !== 'http') fail('client', `must be "fetch" or "http", got ${JSON.stringify(o.client)}`);
  return o as unknown as AuditEvent;
}

// ---------------------------------------------------------------------------------------------
// Storage layout: <prefix>account_id=<encoded id>/dt=<YYYY-MM-DD>/<name>
// ---------------------------------------------------------------------------------------------

/** Partition value for events recorded outside any account (no inbound request, or no identity). */
export const NO_ACCOUNT_PARTITION = '_none';
/** Prefix marking an account id that was encoded because it has characters outside the safe alphabet. */
export const ENCODED_ACCOUNT_MARK = '~';
/**
 * Account ids made only of these characters, starting with a letter or digit, are stored as they
 * are. Anything else (slashes, quotes, spaces, `..`, unicode, `=`) is stored as
 * `~` + base64url(UTF-8 bytes), which cannot collide with a plain id (plain ids never start with
 * `~`) nor with the placeholder (plain ids never start with `_`).
 */
const SAFE_ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENCODED_ACCOUNT_ID = /^~[A-Za-z0-9_-]+$/;
const DT = /^\d{4}-\d{2}-\d{2}$/;

export interface PartitionValues {
  /** The account id as stored in the path: plain, `~`-encoded, or `_none`. */
  account_id: string;
  /** UTC date of the event's `time`, `YYYY-MM-DD`. */
  dt: string;
}

/** Encodes an account id for use as a partition value (reversible; see decodeAccountId). */
export function encodeAccountId(accountId: string | null): string {
  if (accountId === null || accountId === '') return NO_ACCOUNT_PARTITION;
  if (SAFE_ACCOUNT_ID.test(accountId)) return accountId;
  return ENCODED_ACCOUNT_MARK + Buffer.from(accountId, 'utf8').toString('base64url');
}

/** Reverses encodeAccountId. Returns null for the no-account placeholder; throws on anything else invalid. */
export function decodeAccountId(partitionValue: string): string | null {
  if (partitionValue === NO_ACCOUNT_PARTITION) return null;
  if (SAFE_ACCOUNT_ID.test(partitionValue)) return partitionValue;
  if (ENCODED_ACCOUNT_ID.test(partitionValue)) {
    const decoded = Buffer.from(partitionValue.slice(1), 'base64url').toString('utf8');
    if (encodeAccountId(decoded) === partitionValue) return decoded;
  }
  throw new InvalidPartitionError(`"${partitionValue}" is not a valid account_id partition value`);
}

/** True when `value` is a partition value encodeAccountId can produce. */
export function isAccountPartitionValue(value: string): boolean {
  try {
    decodeAccountId(value);
    return true;
  } catch {
    return false;
  }
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isDtValue(value: string): boolean {
  if (!DT.test(value)) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The partition an event belongs to: its encoded account id and the UTC date of its `time`. */
export function partitionOf(event: Pick<AuditEvent, 'account_id' | 'time'>): PartitionValues {
  return { account_id: encodeAccountId(event.account_id), dt: event.time.slice(0, 10) };
}

/** `account_id=<v>/dt=<v>/`: the folder an event's partition lives in, below the data prefix. */
export function partitionPath(values: PartitionValues): string {
  return `account_id=${values.account_id}/dt=${values.dt}/`;
}

/**
 * Parses a key (or path) below the data prefix, e.g. `account_id=acme/dt=2026-01-31/x.json.gz`,
 * into its partition values. Returns null when the key is not in the layout, so callers can
 * ignore foreign objects; never returns a value that could not have been written.
 */
export function parsePartitionPath(relativeKey: string): PartitionValues | null {
  const m = /^account_id=([^/]+)\/dt=([^/]+)\/[^/]+$/.exec(relativeKey);
  if (!m) return null;
  const [, account, dt] = m as unknown as [string, string, string];
  if (!isAccountPartitionValue(account) || !isDtValue(dt)) return null;
  return { account_id: account, dt };
}
