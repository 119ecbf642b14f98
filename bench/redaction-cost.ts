/**
 * Redaction cost per KiB of body (scenario): for JSON, form, XML and plain-text bodies with no
 * candidate and with one credential, µs per KiB of the redactor by name only (`detectSecrets:
 * false`, the redaction before value detection) and by name and value (the default), beside the
 * floor of any design that looks at every byte once (one `indexOf` of a character the body does
 * not hold). Reported as medians of rounds, the value pass's added µs per KiB, and ratios to the
 * floor. In-process, one redactor per mode, modes interleaved round by round.
 *
 *   node --import=tsx bench/redaction-cost.ts [--rounds 15] [--kib 64]
 */
import { performance } from 'node:perf_hooks';
import { compileRedactor, type Redactor } from '../core/event/redaction/index.js';
import { syntheticSecrets } from '../test/helpers/secrets.js';
import { median, numericFlags, round } from './common.js';

const { rounds, kib } = numericFlags({ rounds: 15, kib: 64 });
const token = syntheticSecrets(7).find((s) => s.kind === 'github-token')!.value;

const order = JSON.stringify({ order: 'ord_123456', items: Array.from({ length: 11 }, (_, i) => ({ sku: `SKU-${i}-XXXXXXXX`, qty: i, price: 19.99 + i, note: 'standard shipping, no gift wrap' })) });
const prose = 'The parcel left the depot at 09:14 and reached the customer, Ann, after two attempts; the driver noted a locked gate. ';
const form = new URLSearchParams(Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`field_${i}`, `value ${i} of the order form`]))).toString();
const xml = `<Order><Ref>A-1042</Ref>${Array.from({ length: 16 }, (_, i) => `<Item sku="SKU-${i}"><Qty>${i}</Qty><Note>standard shipping</Note></Item>`).join('')}</Order>`;

/** About 1 KiB of each shape; `withCandidate` puts one credential in the middle. */
function bodies(withCandidate: boolean): Record<string, { body: string; contentType: string }> {
  const put = (text: string, at: string) => (withCandidate ? text.replace(at, `${at} ${token}`) : text);
  return {
    json: { body: put(order, 'no gift wrap'), contentType: 'application/json' },
    form: { body: withCandidate ? `${form}&note=${token}` : form, contentType: 'application/x-www-form-urlencoded' },
    xml: { body: put(xml, 'standard shipping'), contentType: 'application/xml' },
    text: { body: put(prose.repeat(9), 'locked gate.'), contentType: 'text/plain' },
  };
}

const modes: Record<string, (body: string, contentType: string) => unknown> = {
  // The least any design does: read every character once.
  floor: (body) => body.indexOf('\u0000'),
  names: ((r: Redactor) => (body: string, ct: string) => r.body(body, ct))(compileRedactor({ redactKeys: [], detectSecrets: false })),
  'names+values': ((r: Redactor) => (body: string, ct: string) => r.body(body, ct))(compileRedactor({ redactKeys: [] })),
};

/** µs per KiB of `fn` over `body`, repeated to about `kib` KiB per measurement. */
function microsPerKib(fn: (body: string, ct: string) => unknown, body: string, contentType: string): number {
  const kibs = body.length / 1024;
  const repeats = Math.max(1, Math.round(kib / kibs));
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < repeats; i++) if (fn(body, contentType) !== undefined) sink++;
  const micros = (performance.now() - started) * 1000;
  if (sink < 0) console.log(sink);
  return micros / (repeats * kibs);
}

const results: Record<string, Record<string, Record<string, number>>> = {};
for (const candidate of [false, true]) {
  const label = candidate ? 'one credential' : 'no candidate';
  for (const [shape, { body, contentType }] of Object.entries(bodies(candidate))) {
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
    // Warm up every mode, then interleave them round by round.
    for (const fn of Object.values(modes)) for (let i = 0; i < 200; i++) fn(body, contentType);
    for (let r = 0; r < rounds; r++) for (const [m, fn] of Object.entries(modes)) samples[m]!.push(microsPerKib(fn, body, contentType));
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    (results[label] ??= {})[shape] = {
      bodyBytes: Buffer.byteLength(body),
      floorMicrosPerKib: round(m.floor!, 3),
      namesMicrosPerKib: round(m.names!, 3),
      namesAndValuesMicrosPerKib: round(m['names+values']!, 3),
      valuesAddedMicrosPerKib: round(m['names+values']! - m.names!, 3),
      valuesToNamesRatio: round(m['names+values']! / m.names!, 3),
    };
  }
}
const added = Object.values(results['no candidate']!).map((r) => r.valuesAddedMicrosPerKib);
// Proof the measured work is the real work: each credential body comes out redacted, each other unchanged.
const withValues = modes['names+values']!;
const proof = {
  credentialBodiesRedacted: Object.values(bodies(true)).filter(({ body, contentType }) => String(withValues(body, contentType)).includes('[REDACTED:github-token]')).length,
  plainBodiesUnchanged: Object.values(bodies(false)).filter(({ body, contentType }) => withValues(body, contentType) === body).length,
  shapes: Object.keys(bodies(false)).length,
};
console.log(JSON.stringify({
  scenario: 'redaction-cost',
  rounds,
  proof,
  results,
  targets: [{ op: '<=', target: 2, value: Math.max(...added.map(Number)), met: Math.max(...added.map(Number)) <= 2, what: 'µs per KiB that value detection adds to a body with no candidate (worst shape)' }],
}));
