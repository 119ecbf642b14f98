/**
 * The outbound request body of the capture benchmarks: 1 KiB of JSON, shaped like an order, so
 * redaction pre-checks and JSON escaping cost what they cost on real bodies.
 */
const json = JSON.stringify({ order: 'ord_123456', items: Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${i}-XXXXXXXX`, qty: i, price: 19.99 + i, note: 'standard shipping, no gift wrap' })) }).slice(0, 1024);
export const ORDER_BODY_1KIB = json.length < 1024 ? json + ' '.repeat(1024 - json.length) : json;
