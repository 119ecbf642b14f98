// Compiled by `npm run typecheck`: Koa 3 with an explicit identify and extra redaction.
import Koa from 'koa';
import { auditLog, memorySink } from 'http-audit-log';

interface Session { tenant: string; userId: number }

const mem = memorySink();
const audit = auditLog({
  sink: mem,
  identify: (ctx: Koa.Context) => {
    const session = ctx.state.session as Session | undefined;
    return { accountId: session?.tenant, userId: session?.userId };
  },
  redactKeys: ['email', /^x-internal-/],
  redact(event) {
    if (event.url.startsWith('https://payments.example.com/')) event.response_body = null;
  },
  onError: (err) => console.warn('audit:', err),
});

const app = new Koa();
app.use(audit);

export async function shutdown(): Promise<void> {
  await audit.flush();
  console.log(audit.stats(), mem.events.length);
  await audit.close();
}

export { app };
