/**
 * Express 5: opens the audit context for each inbound request. The default principal is
 * `req.user ?? req.auth` (Passport, express-jwt / express-oauth2-jwt-bearer).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { contextStorage, type CallConsumer, type InboundContext } from '../core/capture/index.js';

export function expressPrincipal(req: unknown): unknown {
  const r = req as { user?: unknown; auth?: unknown };
  return r.user ?? r.auth;
}

/** Runs the rest of the Express chain inside the audit context of this request. */
export function runExpressRequest(consumer: CallConsumer, req: Request, next: NextFunction): void {
  if (consumer.closed) return next();
  const context: InboundContext = {
    consumer,
    source: req,
    defaultPrincipal: expressPrincipal,
    requestIdHeader: req.headers['x-request-id'],
  };
  contextStorage.run(context, next);
}

/** An Express-typed middleware for an existing audit log (same as `app.use(audit)`). */
export function expressMiddleware(audit: (req: Request, res: Response, next: NextFunction) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => audit(req, res, next);
}
