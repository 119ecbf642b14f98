/**
 * fetch / undici capture through diagnostics_channel.
 *
 * `undici:request:create` decides (from the AsyncLocalStorage store at that moment — later
 * events can run in a reused keep-alive socket's context) whether the call is audited, and
 * keeps its record on the request object (see `records`). Bodies are observed as they stream
 * past, never consumed: on undici ≥ 7.11 (Node 24.4+) through the bodyChunk channels, before
 * that by wrapping the Request prototype's `onBodySent`/`onData` once (feature-detected).
 */
import dc from 'node:diagnostics_channel';
import { BodyTap, beginCall, finishCall, guardHook, registry, reportHookFailure, type CallRecord } from '../../core/index.js';

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

/**
 * Each request's record, on the request itself under a symbol; null on requests not audited,
 * so every request gets the same property and undici's code keeps seeing one object shape.
 * Not a WeakMap: V8 rebuilds its table as entries come and go, and a table left in old space
 * keeps the old entries' values alive through young-generation GCs (see core/intrusive-list.ts).
 */
const kRecord = Symbol('http-audit-log.record');
type TrackedRequest = { [kRecord]?: CallRecord | null };
const records = {
  get: (request: object): CallRecord | undefined => (request as TrackedRequest)[kRecord] ?? undefined,
  set: (request: object, record: CallRecord | null): void => {
    (request as TrackedRequest)[kRecord] = record;
  },
};

function onCreate(message: unknown): void {
  let record: CallRecord | null = null;
  try {
    const { request } = message as CreateMessage;
    record = beginCall('fetch', request.method, `${String(request.origin)}${request.path}`);
    records.set(request, record);
    if (record === null) return;
    record.requestHeaders = request.headers;
    if (!useChunkChannels) patchPrototype(Object.getPrototypeOf(request) as RequestPrototype);
  } catch (err) {
    reportHookFailure(err, record);
  }
}

function onHeaders(message: unknown): void {
  const { request, response } = message as HeadersMessage;
  const record = records.get(request);
  if (record === undefined) return;
  record.status = response.statusCode;
  record.responseHeaders = response.headers;
  record.responseBody = new BodyTap(record.maxBodyBytes);
  record.lastActivity = registry.coarseNow;
}

/** One body chunk streaming past, in either direction: kept (by reference) up to the limit. */
function tapChunk(request: object, chunk: unknown, direction: 'requestBody' | 'responseBody'): void {
  const record = records.get(request);
  if (record === undefined) return;
  try {
    record[direction]?.push(chunk);
    record.lastActivity = registry.coarseNow;
  } catch (err) {
    reportHookFailure(err, record);
  }
}

/**
 * Ends the call and detaches its record from the request, which may already be in old space:
 * its pointer would keep the finished record, bodies included, alive until the next full GC.
 */
function finishTracked(request: object, record: CallRecord): void {
  records.set(request, null);
  finishCall(record);
}

function onTrailers(message: unknown): void {
  const { request } = message as { request: object };
  const record = records.get(request);
  if (record !== undefined) finishTracked(request, record);
}

function onError(message: unknown): void {
  const { request, error } = message as ErrorMessage;
  const record = records.get(request);
  if (record === undefined) return;
  record.error = error;
  finishTracked(request, record);
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
