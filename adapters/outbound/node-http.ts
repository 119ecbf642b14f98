/**
 * node:http / node:https capture through diagnostics_channel, plus one guarded wrapper of
 * ClientRequest.prototype.write/end for request bodies (the `start` event fires only after
 * end(), when the body is gone; wrapping the prototype also catches ESM named imports of
 * `request`). Response bodies are observed through IncomingMessage.prototype.push, which the
 * HTTP parser calls with every chunk and with null at the end: nothing is read, no 'data'
 * listener is added, so the app's stream behaves exactly as without us.
 */
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import { BodyTap, attachRecord, beginCall, finishAttached, guardHook, recordOf, reportHookFailure, touch, type CallRecord } from '../../core/capture/index.js';

function urlOf(req: http.ClientRequest): string {
  const host = req.getHeader('host');
  return `${req.protocol}//${typeof host === 'string' ? host : req.host}${req.path}`;
}

function recordFor(req: http.ClientRequest): CallRecord | null {
  let record = recordOf(req);
  if (record === undefined) {
    record = beginCall('http', req.method, urlOf(req));
    attachRecord(req, record);
  }
  return record;
}

function tapRequestBody(req: http.ClientRequest, chunk: unknown, encoding: unknown): void {
  try {
    const record = recordFor(req);
    if (record === null) return;
    record.requestBody?.push(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    touch(record);
  } catch (err) {
    reportHookFailure(err, recordOf(req));
  }
}

const proto = http.ClientRequest.prototype;
const originalWrite = proto.write;
const originalEnd = proto.end;

function auditedWrite(this: http.ClientRequest, ...args: unknown[]): boolean {
  const [chunk, encoding] = args;
  if (chunk !== null && chunk !== undefined && typeof chunk !== 'function') tapRequestBody(this, chunk, encoding);
  return (originalWrite as (...a: unknown[]) => boolean).apply(this, args);
}

function auditedEnd(this: http.ClientRequest, ...args: unknown[]): http.ClientRequest {
  const [chunk, encoding] = args;
  if (chunk !== null && chunk !== undefined && typeof chunk !== 'function') tapRequestBody(this, chunk, encoding);
  return (originalEnd as (...a: unknown[]) => http.ClientRequest).apply(this, args);
}

function onRequestStart(message: unknown): void {
  const req = (message as { request: http.ClientRequest }).request;
  try {
    const record = recordFor(req);
    // The request itself: its headers are final once sent and are read when the event is built.
    if (record !== null) record.requestHeaders = req;
  } catch (err) {
    reportHookFailure(err, recordOf(req));
  }
}

/**
 * Response bodies and early closes are observed by wrapping IncomingMessage.prototype.push and
 * _destroy once, not each response: one guarded code path, and no closure or own property added
 * to every audited response. `res.req` is set by node:http on every client response before its
 * body arrives; server-side messages have none (or whatever a framework put there, which finds
 * no record), so they cost one property read.
 */
const incomingProto = http.IncomingMessage.prototype as http.IncomingMessage & { _destroy(err: Error | null, cb: (err?: Error | null) => void): void };
const originalPush = incomingProto.push;
const originalDestroy = incomingProto._destroy;
type ClientResponse = http.IncomingMessage & { req?: http.ClientRequest };

function observeResponseChunk(req: http.ClientRequest, chunk: unknown, encoding: BufferEncoding | undefined): void {
  let record: CallRecord | null | undefined;
  try {
    // Inside the guard: `req` may be any object a framework put on a server-side message.
    record = recordOf(req);
    if (record === undefined || record === null || record.done) return;
    if (chunk === null) {
      finishAttached(req, record);
      return;
    }
    record.responseBody?.push(chunk, encoding);
    touch(record);
  } catch (err) {
    reportHookFailure(err, record);
  }
}

function auditedPush(this: ClientResponse, chunk: unknown, encoding?: BufferEncoding): boolean {
  const req = this.req;
  if (typeof req === 'object' && req !== null) observeResponseChunk(req, chunk, encoding);
  return originalPush.call(this, chunk, encoding);
}

function observeResponseDestroyed(req: http.ClientRequest, err: Error | null): void {
  let record: CallRecord | null | undefined;
  try {
    record = recordOf(req);
    if (record === undefined || record === null || record.done) return;
    record.error ??= err ?? new Error('response closed before its body was complete');
    finishAttached(req, record);
  } catch (hookErr) {
    reportHookFailure(hookErr, record);
  }
}

function auditedDestroy(this: ClientResponse, err: Error | null, cb: (err?: Error | null) => void): void {
  const req = this.req;
  if (typeof req === 'object' && req !== null) observeResponseDestroyed(req, err);
  originalDestroy.call(this, err, cb);
}

function onResponseFinish(message: unknown): void {
  const { request, response } = message as { request: http.ClientRequest; response: http.IncomingMessage };
  const record = recordOf(request);
  if (record === undefined || record === null) return;
  try {
    record.status = response.statusCode ?? null;
    // rawHeaders, not headers: clients edit the parsed object (axios deletes content-encoding
    // once it decompresses); the raw list is left alone and costs nothing to keep.
    record.responseHeaders = response.rawHeaders;
    touch(record);
    record.responseBody = new BodyTap(record.maxBodyBytes);
  } catch (err) {
    reportHookFailure(err, record);
  }
}

function onRequestError(message: unknown): void {
  const { request, error } = message as { request: http.ClientRequest; error: unknown };
  const record = recordOf(request);
  if (record === undefined || record === null) return;
  record.error = error;
  finishAttached(request, record);
}

// Every subscriber is guarded: nothing a hook does may throw into the app.
const subscriptions: Array<[string, (message: unknown) => void]> = ([
  ['http.client.request.start', onRequestStart],
  ['http.client.response.finish', onResponseFinish],
  ['http.client.request.error', onRequestError],
] as Array<[string, (message: unknown) => void]>).map(([name, fn]) => [name, guardHook(fn)]);

/** Replaces `target[name]` with `wrapper`; returns the function that restores exactly what was there (an own property, or the inherited method). */
function wrapMethod<T extends object>(target: T, name: keyof T & string, original: unknown, wrapper: unknown): () => void {
  const hadOwn = Object.hasOwn(target, name);
  (target as Record<string, unknown>)[name] = wrapper;
  return () => {
    if ((target as Record<string, unknown>)[name] !== wrapper) return;
    if (hadOwn) (target as Record<string, unknown>)[name] = original;
    else delete (target as Record<string, unknown>)[name];
  };
}

/** Subscribes the http channels and wraps the prototypes; returns the function that undoes all of it. */
export function installNodeHttpHooks(): () => void {
  const unwraps = [
    wrapMethod(proto, 'write', originalWrite, auditedWrite),
    wrapMethod(proto, 'end', originalEnd, auditedEnd),
    wrapMethod(incomingProto, 'push', originalPush, auditedPush),
    wrapMethod(incomingProto, '_destroy', originalDestroy, auditedDestroy),
  ];
  for (const [name, fn] of subscriptions) dc.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subscriptions) dc.unsubscribe(name, fn);
    for (const unwrap of unwraps) unwrap();
  };
}
