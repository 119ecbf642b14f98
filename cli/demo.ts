/**
 * `npm run demo`: the whole pipeline on one machine with one command (see cli/demo/run.ts).
 *
 *   npm run demo              about 1,500 requests over 5 days
 *   npm run demo -- --short   120 requests over 3 days, same pipeline and checks (CI); or DEMO_SHORT=1
 *
 * Exits 0 only when every event the apps produced was stored and queried.
 */
import { runDemo } from './demo/run.js';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--short');
if (unknown.length > 0) {
  process.stderr.write(`usage: npm run demo [-- --short]\nunknown argument: ${unknown.join(' ')}\n`);
  process.exitCode = 2;
} else {
  const short = args.includes('--short') || process.env.DEMO_SHORT === '1';
  try {
    process.exitCode = await runDemo({ short, print: (text) => process.stdout.write(text) });
  } catch (err) {
    process.stderr.write(`DEMO FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
