/**
 * `npm run demo`: the whole pipeline on one machine with one command (see cli/demo/run.ts).
 *
 *   npm run demo              about 1,500 requests over 5 days
 *   npm run demo -- --short   120 requests over 3 days, same pipeline and checks (CI); or DEMO_SHORT=1
 *   npm run demo -- --keep DIR  also leaves a copy of the bucket and public-key.pem in DIR, for
 *                               `http-audit-log verify --local DIR --public-key DIR/public-key.pem …`
 *
 * Exits 0 only when every event the apps produced was stored and queried.
 */
import { parseArgs } from 'node:util';
import { runDemo } from './demo/run.js';

let parsed: { short?: boolean; keep?: string } | undefined;
try {
  parsed = parseArgs({ options: { short: { type: 'boolean' }, keep: { type: 'string' } }, strict: true }).values;
} catch (error) {
  process.stderr.write(`usage: npm run demo [-- [--short] [--keep DIR]]\n${(error as Error).message}\n`);
  process.exitCode = 2;
}
if (parsed !== undefined) {
  const short = parsed.short === true || process.env.DEMO_SHORT === '1';
  try {
    process.exitCode = await runDemo({ short, ...(parsed.keep === undefined ? {} : { keep: parsed.keep }), print: (text) => process.stdout.write(text) });
  } catch (err) {
    process.stderr.write(`DEMO FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
