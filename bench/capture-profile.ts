/**
 * CPU profiles of the capture benchmark's app (bench/capture/app.ts), one process per mode, at a
 * fixed offered load: each app exits cleanly when done so `--cpu-prof` writes its profile, into
 * `<dir>/<mode>/` (the largest file there is the app's main thread: tsx's loader thread writes
 * one too on Node 20). Compare two modes' self time per function and per request with any
 * .cpuprofile reader (docs/performance.md: how the nextTick finding was made).
 *
 *   node --import=tsx bench/capture-profile.ts [--modes audit,floor] [--client fetch] [--rate 900]
 *     [--requests 12000] [--dir /tmp/capture-profiles] [--node-flags='--trace-opt --trace-deopt']
 *
 * Not part of `npm run bench`: an analysis tool. The apps import dist/ (run `npm run build`).
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadAtRate, startCaptureProcess } from './capture/harness.js';

const { values } = parseArgs({ options: {
  modes: { type: 'string', default: 'audit,floor' },
  client: { type: 'string', default: 'fetch' },
  rate: { type: 'string', default: '900' },
  requests: { type: 'string', default: '12000' },
  dir: { type: 'string', default: '/tmp/capture-profiles' },
  // More flags for the apps, e.g. --node-flags='--trace-deopt --trace-opt' (split on spaces).
  'node-flags': { type: 'string', default: '' },
} });

const upstream = await startCaptureProcess('upstream', {});
try {
  for (const mode of values.modes.split(',').filter(Boolean)) {
    const app = await startCaptureProcess('app', { MODE: mode, CLIENT: values.client, UPSTREAM: `http://127.0.0.1:${upstream.port}` },
      ['--cpu-prof', `--cpu-prof-dir=${values.dir}/${mode}`, '--cpu-prof-interval=250', ...values['node-flags'].split(' ').filter(Boolean)]);
    await loadAtRate(app.port, Number(values.requests), Number(values.rate));
    // app.ts exits on disconnect: a clean exit, so the profile is written.
    app.child.disconnect();
    await once(app.child, 'exit');
    console.log(`${mode}: ${values.requests} requests at ${values.rate}/s, profile in ${values.dir}/${mode}/`);
  }
} finally {
  upstream.child.kill();
}
