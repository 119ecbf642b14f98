/**
 * Runs test/fixtures/sigterm-app.ts in a child process writing to a kinesalite stream, sends it
 * SIGTERM under load, and returns what it printed (events before / after the flush began), how
 * it exited, and the ids read back from the stream with their counts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kinesalite } from './kinesalite.js';

const fixture = fileURLToPath(new URL('../fixtures/sigterm-app.ts', import.meta.url));

export interface SigtermRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Ids of events emitted before the signal-time flush began: all must be stored. */
  beforeFlush: string[];
  /** Ids of events emitted while the flush ran. */
  after: string[];
  flushSeen: boolean;
  appListener: boolean;
  /** Ids read back from the stream, with how many times each was found. */
  counts: Map<string, number>;
}

export async function runSigtermChild(kinesis: Kinesalite, stream: string, ownListener: boolean): Promise<SigtermRun> {
  await kinesis.createStream(stream, 2);
  const child = spawn(process.execPath, ['--import=tsx', fixture], {
    env: { ...process.env, KINESIS_ENDPOINT: kinesis.endpoint, AUDIT_LOG_KINESIS_STREAM: stream, OWN_LISTENER: ownListener ? '1' : '', AUDIT_LOG_SINK: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const run: SigtermRun = { code: null, signal: null, beforeFlush: [], after: [], flushSeen: false, appListener: false, counts: new Map() };
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l === 'READY') ready();
    else if (l === 'FLUSH') run.flushSeen = true;
    else if (l === 'APP-LISTENER') run.appListener = true;
    else if (l.startsWith('E ')) (run.flushSeen ? run.after : run.beforeFlush).push(l.slice(2));
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  await readyP;
  await sleep(300); // still under load: calls in flight, events buffered
  child.kill('SIGTERM');
  [run.code, run.signal] = await exited;
  for (const r of await kinesis.readAll(stream)) {
    const id = (JSON.parse(Buffer.from(r.Data!).toString('utf8')) as { id: string }).id;
    run.counts.set(id, (run.counts.get(id) ?? 0) + 1);
  }
  return run;
}
