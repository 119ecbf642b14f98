/**
 * One outbound call with each HTTP client the capture must support, returning the response
 * bytes as the app would see them.
 */
import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import { readAll, type OutboundResult } from './apps.js';

export type ClientName = 'fetch' | 'http' | 'axios-http' | 'axios-fetch';
export const CLIENTS: ClientName[] = ['fetch', 'http', 'axios-http', 'axios-fetch'];

export interface CallSpec {
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** For https upstreams with a self-signed certificate. */
  ca?: string;
  signal?: AbortSignal;
}

/** The event's `client` field each client should produce. */
export const EXPECTED_KIND: Record<ClientName, 'fetch' | 'http'> = {
  fetch: 'fetch',
  http: 'http',
  'axios-http': 'http',
  'axios-fetch': 'fetch',
};

export async function callWith(client: ClientName, url: string, spec: CallSpec = {}): Promise<OutboundResult> {
  const method = spec.method ?? 'POST';
  const headers = spec.headers ?? {};
  switch (client) {
    case 'fetch': {
      const res = await fetch(url, { method, headers, body: spec.body, signal: spec.signal });
      return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: Buffer.from(await res.arrayBuffer()) };
    }
    case 'http':
      return new Promise((resolve, reject) => {
        const mod = url.startsWith('https:') ? https : http;
        const req = mod.request(url, { method, headers, ca: spec.ca, signal: spec.signal }, (res) => {
          readAll(res).then((body) => resolve({ status: res.statusCode, contentType: res.headers['content-type'], body }), reject);
        });
        req.on('error', reject);
        req.end(spec.body);
      });
    case 'axios-http':
    case 'axios-fetch': {
      const res = await axios.request({
        url,
        method,
        headers,
        data: spec.body,
        adapter: client === 'axios-fetch' ? 'fetch' : 'http',
        responseType: 'arraybuffer',
        validateStatus: () => true,
        httpsAgent: spec.ca ? new https.Agent({ ca: spec.ca }) : undefined,
        signal: spec.signal,
      });
      return { status: res.status, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.from(res.data as ArrayBuffer) };
    }
  }
}
