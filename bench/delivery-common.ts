/**
 * Shared by the delivery benchmarks: realistic events (headers with secrets, JSON bodies of
 * about 1 KB), a null transport, and the JSON result line each scenario prints.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Sink } from '../core/index.js';

export function benchEvent(i: number): AuditEvent {
  const items = Array.from({ length: 8 }, (_, k) => ({ sku: `SKU-${i}-${k}`, qty: k + 1, price: 9.99 * (k + 1) }));
  return {
    id: randomUUID(),
    time: new Date(Date.UTC(2026, 10, 25, 12) + i).toISOString(),
    account_id: `acct-${i % 50}`,
    user_id: `user-${i % 500}`,
    request_id: `req-${i}`,
    method: 'POST',
    url: `https://api.example.com/v1/orders?page=${i % 10}&token=abc${i}&sig=xyz`,
    status: 201,
    duration_ms: 12.345,
    request_headers: { 'content-type': 'application/json', authorization: `Bearer secret-${i}`, 'x-request-id': `req-${i}`, 'user-agent': 'bench/1.0' },
    request_body: JSON.stringify({ order: { items, note: 'deliver before noon' }, password: 'hunter2', card: '4111 1111 1111 1111' }),
    request_body_truncated: false,
    response_headers: { 'content-type': 'application/json', 'set-cookie': 'sid=abc; HttpOnly', 'x-upstream': 'yes' },
    response_body: JSON.stringify({ id: `o-${i}`, status: 'created', access_token: 'tok-123', items }),
    response_body_truncated: false,
    error: null,
    client: 'fetch',
    schema_version: 1,
  };
}

/**
 * The same call without bodies (a DELETE answered 204): the smallest event that still carries
 * secrets to redact (the token in the URL, the authorization and set-cookie headers).
 */
export function bodylessBenchEvent(i: number): AuditEvent {
  return {
    ...benchEvent(i),
    method: 'DELETE',
    url: `https://api.example.com/v1/orders/o-${i}?token=abc${i}`,
    status: 204,
    request_headers: { authorization: `Bearer secret-${i}`, 'x-request-id': `req-${i}`, 'user-agent': 'bench/1.0' },
    request_body: null,
    response_headers: { 'set-cookie': 'sid=abc; HttpOnly', 'x-upstream': 'yes' },
    response_body: null,
  };
}

/** A Sink whose write resolves at once: measures everything but the network. */
export function nullSink(): Sink & { events: number } {
  const s = { name: 'null', events: 0, write(records: readonly unknown[]) { s.events += records.length; } };
  return s;
}

export function machine() {
  return { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}` };
}

export function printResult(scenario: string, result: Record<string, unknown>): void {
  console.log(JSON.stringify({ scenario, ...result, machine: machine() }));
}

export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} takes a positive number`);
  return v;
}
