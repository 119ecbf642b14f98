/**
 * node:http / node:https capture through diagnostics_channel, plus one guarded wrapper of
 * ClientRequest.prototype.write/end for request bodies (the `start` event fires only after
 * end(), when the body is gone; wrapping the prototype also catches ESM named imports of
 * `request`). Response bodies are observed by wrapping the response instance's `push`, which
 * the HTTP parser calls with every chunk and with null at the end: nothing is read, no 'data'
 * listener is added, so the app's stream behaves exactly as without us.
 */
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import { BodyTap, beginCall, finishCall, guardHook, registry, reportHookFailure, type CallRecord } from '../../core/index.js';

/** null = seen and not audited (so later writes skip the decision). */
const records = new WeakMap<http.ClientRequest, CallRecord | null>();

function urlOf(req: http.ClientRequest): string {
  const host = req.getHeader('host');
  return `${req.protocol}//${typeof host === 'string' ? host : req.host}${req.path}`;
}

function recordFor(req: http.ClientRequest): CallRecord | null {
  let record = records.get(req);
  if (record === undefined) {
    record = beginCall('http', req.method, urlOf(req));
    records.set(req, record);
  }
  return record;
}

function tapRequestBody(req: http.ClientRequest, chunk: unknown, encoding: unknown): void {
  try {
    const record = recordFor(req);
    if (record === null) return;
    record.requestBody?.push(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    record.lastActivity = registry.coarseNow;
  } catch (err) {
    reportHookFailure(err, records.get(req));
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
    reportHookFailure(err, records.get(req));
  }
}

const onResponseClose = guardHook(function onResponseClosed(this: http.IncomingMessage): void {
  // `req` is set by node:http on every client response; it is just not in the typings.
  const req = (this as http.IncomingMessage & { req?: http.ClientRequest }).req;
  const record = req ? records.get(req) : undefined;
  if (record === undefined || record === null || record.done) return;
  record.error ??= new Error('response closed before its body was complete');
  finishCall(record);
});

function onResponseFinish(message: unknown): void {
  const { request, response } = message as { request: http.ClientRequest; response: http.IncomingMessage };
  const record = records.get(request);
  if (record === undefined || record === null) return;
  try {
    record.status = response.statusCode ?? null;
    // rawHeaders, not headers: clients edit the parsed object (axios deletes content-encoding
    // once it decompresses); the raw list is left alone and costs nothing to keep.
    record.responseHeaders = response.rawHeaders;
    record.lastActivity = registry.coarseNow;
    const tap = (record.responseBody = new BodyTap(record.maxBodyBytes));
    const push = response.push;
    response.push = function auditedPush(this: http.IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
      if (chunk === null) {
        finishCall(record);
      } else {
        try {
          tap.push(chunk, encoding);
          record.lastActivity = registry.coarseNow;
        } catch (err) {
          reportHookFailure(err, record);
        }
      }
      return push.call(this, chunk, encoding);
    };
    // 'close' fires once per response; `on` avoids the wrapper `once` allocates.
    response.on('close', onResponseClose);
  } catch (err) {
    reportHookFailure(err, record);
  }
}

function onRequestError(message: unknown): void {
  const { request, error } = message as { request: http.ClientRequest; error: unknown };
  const record = records.get(request);
  if (record === undefined || record === null) return;
  record.error = error;
  finishCall(record);
}

// Every subscriber is guarded: nothing a hook does may throw into the app.
const subscriptions: Array<[string, (message: unknown) => void]> = ([
  ['http.client.request.start', onRequestStart],
  ['http.client.response.finish', onResponseFinish],
  ['http.client.request.error', onRequestError],
] as Array<[string, (message: unknown) => void]>).map(([name, fn]) => [name, guardHook(fn)]);

/** Subscribes the http channels and wraps write/end; returns the function that undoes both. */
export function installNodeHttpHooks(): () => void {
  const hadOwn = { write: Object.hasOwn(proto, 'write'), end: Object.hasOwn(proto, 'end') };
  proto.write = auditedWrite as typeof proto.write;
  proto.end = auditedEnd as typeof proto.end;
  for (const [name, fn] of subscriptions) dc.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subscriptions) dc.unsubscribe(name, fn);
    // Restore exactly what was there: an own property, or the inherited method.
    if (proto.write === auditedWrite) {
      if (hadOwn.write) proto.write = originalWrite;
      else delete (proto as Partial<typeof proto>).write;
    }
    if (proto.end === auditedEnd) {
      if (hadOwn.end) proto.end = originalEnd;
      else delete (proto as Partial<typeof proto>).end;
    }
  };
}
