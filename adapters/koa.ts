/**
 * Koa 3: opens the audit context for each inbound request. The default principal is
 * `ctx.state.user` (koa-passport, koa-jwt).
 */
import type { Context, Middleware, Next } from 'koa';
import { contextStorage, type AuditPipeline, type InboundContext } from '../core/index.js';

export function koaPrincipal(ctx: unknown): unknown {
  return (ctx as { state?: { user?: unknown } }).state?.user;
}

/** Runs the downstream Koa middleware inside the audit context of this request. */
export function runKoaRequest(pipeline: AuditPipeline, ctx: Context, next: Next): Promise<unknown> {
  if (pipeline.closed) return next();
  const context: InboundContext = {
    pipeline,
    source: ctx,
    defaultPrincipal: koaPrincipal,
    requestIdHeader: ctx.req.headers['x-request-id'],
  };
  return contextStorage.run(context, next);
}

/** A Koa-typed middleware for an existing audit log (same as `app.use(audit)`). */
export function koaMiddleware(audit: { pipeline: AuditPipeline }): Middleware {
  return (ctx: Context, next: Next) => runKoaRequest(audit.pipeline, ctx, next);
}
