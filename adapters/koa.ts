/**
 * Koa 3: opens the audit context for each inbound request. The default principal is
 * `ctx.state.user` (koa-passport, koa-jwt).
 */
import type { Context, Middleware, Next } from 'koa';
import { contextStorage, type CallConsumer, type InboundContext } from '../core/capture/index.js';

export function koaPrincipal(ctx: unknown): unknown {
  return (ctx as { state?: { user?: unknown } }).state?.user;
}

/** Runs the downstream Koa middleware inside the audit context of this request. */
export function runKoaRequest(consumer: CallConsumer, ctx: Context, next: Next): Promise<unknown> {
  if (consumer.closed) return next();
  const context: InboundContext = {
    consumer,
    source: ctx,
    defaultPrincipal: koaPrincipal,
    requestIdHeader: ctx.req.headers['x-request-id'],
  };
  return contextStorage.run(context, next);
}

/** A Koa-typed middleware for an existing audit log (same as `app.use(audit)`). */
export function koaMiddleware(audit: (ctx: Context, next: Next) => Promise<unknown>): Middleware {
  return (ctx: Context, next: Next) => audit(ctx, next);
}
