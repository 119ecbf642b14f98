/**
 * fetch / undici capture through diagnostics_channel.
 *
 * `undici:request:create` decides (from the AsyncLocalStorage store at that moment — later
 * events can run in a reused keep-alive socket's context) whether the call is audited, and
 * keeps its record on the request object (core/capture/record-slot.ts). Bodies are observed as they stream
 * past, never consumed: on undici ≥ 7.11 (Node 24.4+) through the bodyChunk channels, before
 * that by wrapping the Request prototype's `onBodySent`/`onData` once (feature-detected).
 */
import dc from 'node:diagnostics_channel';
import { BodyTap, attachRecord, beginCall, finishAttached, guardHook, recordOf, reportHookFailure, touch, type CallRecord } from '../../core/capture/index.js';

interface UndiciRequestLike {
  method: string;
  origin: unknown;
  path: string;
  headers: unknown;
}
interface CreateMessage { request: UndiciRequestLike }
interface HeadersMessage { request: object; response: { statusCode: number; headers: unknown } }
interface ChunkMessage { request: object; chunk: Uint8Array | string }
interface ErrorMessage { request: object; error: unknown }

function onCreate(message: unknown): void {
  let record: CallRecord | null = null;
  try {
    const { request } = message as CreateMessage;
    record = beginCall('fetch', request.method, `${String(request.origin)}${request.path}`);
    attachRecord(request, record);
    if (record === null) return;
    record.requestHeaders = request.headers;
    if (!useChunkChannels) patchPrototype(Object.getPrototypeOf(request) as RequestPrototype);
  } catch (err) {
    reportHookFailure(err, record);
  }
}

function onHeaders(message: unknown): void {
  const { request, response } = message as HeadersMessage;
  const record = recordOf(request);
  if (record == null) return;
  record.status = response.statusCode;
  record.responseHeaders = response.headers;
  record.responseBody = new BodyTap(record.maxBodyBytes);
  touch(record);
}

/** One body chunk streaming past, in either direction: kept (by reference) up to the limit. */
function tapChunk(request: object, chunk: unknown, direction: 'requestBody' | 'responseBody'): void {
  const record = recordOf(request);
  if (record == null) return;
  try {
    record[direction]?.push(chunk);
    touch(record);
  } catch (err) {
    reportHookFailure(err, record);
  }
}

function onTrailers(message: unknown): void {
  const { request } = message as { request: object };
  const record = recordOf(request);
  if (record != null) finishAttached(request, record);
}

function onError(message: unknown): void {
  const { request, error } = message as ErrorMessage;
  const record = recordOf(request);
  if (record == null) return;
  record.error = error;
  finishAttached(request, record);
}

const onBodyChunkSent = (m: unknown) => tapChunk((m as ChunkMessage).request, (m as ChunkMessage).chunk, 'requestBody');
const onBodyChunkReceived = (m: unknown) => tapChunk((m as ChunkMessage).request, (m as ChunkMessage).chunk, 'responseBody');

// --- body observation before undici 7.11: wrap the Request prototype once ---------------------

interface RequestPrototype {
  onBodySent?: (chunk: unknown) => unknown;
  onData?: (chunk: unknown) => unknown;
}
const patched = new Map<RequestPrototype, { onBodySent: RequestPrototype['onBodySent']; onData: RequestPrototype['onData'] }>();

function patchPrototype(proto: RequestPrototype): void {
  if (patched.has(proto)) return;
  const { onBodySent, onData } = proto;
  if (typeof onBodySent !== 'function' || typeof onData !== 'function') {
    // Unknown undici shape: record metadata only rather than guess.
    patched.set(proto, { onBodySent: undefined, onData: undefined });
    return;
  }
  patched.set(proto, { onBodySent, onData });
  proto.onBodySent = function auditedOnBodySent(this: object, chunk: unknown) {
    tapChunk(this, chunk, 'requestBody');
    return onBodySent.call(this, chunk);
  };
  proto.onData = function auditedOnData(this: object, chunk: unknown) {
    tapChunk(this, chunk, 'responseBody');
    return onData.call(this, chunk);
  };
}

function unpatchPrototypes(): void {
  for (const [proto, original] of patched) {
    if (original.onBodySent) proto.onBodySent = original.onBodySent;
    if (original.onData) proto.onData = original.onData;
  }
  patched.clear();
}

function undiciAtLeast(major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = (process.versions.undici ?? '0.0').split('.').map(Number);
  return ma > major || (ma === major && mi >= minor);
}

const useChunkChannels = undiciAtLeast(7, 11);

// Every subscriber is guarded: nothing a hook does may throw into the app.
const subscriptions: Array<[string, (message: unknown) => void]> = ([
  ['undici:request:create', onCreate],
  ['undici:request:headers', onHeaders],
  ['undici:request:trailers', onTrailers],
  ['undici:request:error', onError],
  ...(useChunkChannels
    ? ([['undici:request:bodyChunkSent', onBodyChunkSent], ['undici:request:bodyChunkReceived', onBodyChunkReceived]] as Array<[string, (m: unknown) => void]>)
    : []),
] as Array<[string, (message: unknown) => void]>).map(([name, fn]) => [name, guardHook(fn)]);

/** Subscribes the undici channels; returns the function that undoes everything it did. */
export function installUndiciHooks(): () => void {
  for (const [name, fn] of subscriptions) dc.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subscriptions) dc.unsubscribe(name, fn);
    unpatchPrototypes();
  };
}
