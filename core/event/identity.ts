/**
 * Who an outbound call was made for: the account and user of the inbound request, and that
 * request's id. Resolved lazily (the first time one of its outbound calls is turned into an
 * event) so that auth middleware registered after the audit middleware still counts, and then
 * remembered for the rest of the inbound request.
 */
import { HookError } from '../errors.js';
import { MAX_ID_LENGTH } from '../schema.js';
import type { BuildSettings, Identity, InboundRequest } from './finished-call.js';
import { uuidv7 } from './uuid-v7.js';

const NO_IDENTITY: Identity = { accountId: null, userId: null };
const SANE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

function idString(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value.slice(0, MAX_ID_LENGTH);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}

/** The documented default: account from `accountId ?? account_id`, user from `id ?? sub`. */
export function identityFromPrincipal(principal: unknown): Identity {
  if (principal === null || typeof principal !== 'object') return NO_IDENTITY;
  const p = principal as Record<string, unknown>;
  return { accountId: idString(p.accountId ?? p.account_id), userId: idString(p.id ?? p.sub) };
}

export function resolveIdentity(ctx: InboundRequest, identify: BuildSettings['identify'], onError: (err: unknown) => void): Identity {
  if (ctx.identity !== undefined) return ctx.identity;
  let identity: Identity;
  try {
    if (identify) {
      const r = identify(ctx.source);
      identity = r ? { accountId: idString(r.accountId), userId: idString(r.userId) } : NO_IDENTITY;
    } else {
      identity = identityFromPrincipal(ctx.defaultPrincipal(ctx.source));
    }
  } catch (err) {
    onError(new HookError('identify', err));
    // Not memoized: a later call may succeed once auth has run.
    return NO_IDENTITY;
  }
  ctx.identity = identity;
  return identity;
}

/**
 * The inbound `x-request-id` if it is a sane token, else a new UUID (v7, from the same pool as
 * event ids: cheaper than crypto.randomUUID, and ids of one period sort together); fixed per
 * inbound request.
 */
export function resolveRequestId(ctx: InboundRequest): string {
  if (ctx.requestId !== undefined) return ctx.requestId;
  const header = Array.isArray(ctx.requestIdHeader) ? ctx.requestIdHeader[0] : ctx.requestIdHeader;
  ctx.requestId = typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : uuidv7(Date.now());
  return ctx.requestId;
}
