// Compiled by `npm run typecheck`: the stats diagnostics channel of docs/configuration.md.
import diagnostics_channel from 'node:diagnostics_channel';
import { auditLog, STATS_CHANNEL, type StatsMessage } from 'http-audit-log';

/** Stand-in for your metrics client. */
const metrics = { gauge: (name: string, value: number) => console.log(name, value) };

diagnostics_channel.subscribe(STATS_CHANNEL, (m) => {
  const s = m as StatsMessage;
  metrics.gauge('audit.queued', s.queued);
  metrics.gauge('audit.lost', s.dropped + s.failed);
});

export const audit = auditLog({
  sink: 'kinesis',
  kinesis: { streamName: 'audit' },
  delivery: { lingerMs: 200, maxAttempts: 8 },
  onDrop: (events, reason) => console.warn(`audit: ${events.length} event(s) lost: ${reason}`),
});

// Controls: flush(), close(), stats().
export async function shutdown(): Promise<void> {
  await audit.flush();
  console.log(audit.stats()); // { queued, sent, retried, dropped, failed }
  await audit.close();
}
