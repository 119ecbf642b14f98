// Compiled by `npm run typecheck`: the README's Express quick start, as code.
import express from 'express';
import { auditLog } from 'http-audit-log';

const audit = auditLog({ sink: 'kinesis', kinesis: { streamName: 'audit' } });
const app = express();
app.use(audit);
app.use((req, _res, next) => {
  // Your authentication: the audit log reads req.user lazily, after this has run.
  (req as express.Request & { user?: unknown }).user = { accountId: 'acme', id: 'u-17' };
  next();
});
app.post('/orders', async (req, res) => {
  await fetch('https://store.example.com/api/orders', { method: 'POST', body: JSON.stringify(req.body) });
  res.sendStatus(201);
});

export { app, audit };
