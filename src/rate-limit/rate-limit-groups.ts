import { normalizeIp } from '@nestjs/throttler';
import type { RequestView } from '../common/http/request-view';
import type { RateLimitConfig } from '../config/app-config';
import { usernameKey } from '../users/username';

/** A named budget: which requests it counts, how it tells callers apart, and its per-minute limit. */
export interface RateLimitGroup {
  /** Throttler name; also the metric label and the audit row's `details.group`. */
  readonly name: string;
  limit(limits: RateLimitConfig): number;
  applies(request: RequestView): boolean;
  /** Who is counted; HMAC-hashed by RateLimitKeys before any store sees it. */
  tracker(request: RequestView): string;
}

const route = (request: RequestView): string => request.routeOptions?.url ?? '';
const isToken = (r: RequestView): boolean => route(r) === '/oauth/token';
const isIntrospect = (r: RequestView): boolean => route(r) === '/oauth/introspect';
const isRevoke = (r: RequestView): boolean => route(r) === '/oauth/revoke';
const isAdmin = (r: RequestView): boolean => route(r).startsWith('/v1/');

function form(request: RequestView): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
}

function header(request: RequestView, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** IPv6 callers are grouped by /64: one host owns a whole /64 and could otherwise rotate addresses. */
export function ipTracker(request: RequestView): string {
  return `ip:${normalizeIp(request.ip)}`;
}

/**
 * The credential a caller of introspection/revocation presents. The caller is
 * only authenticated later, inside the service, so the budget belongs to the
 * credential itself. The tracker holds the credential in clear: it is only
 * ever handed to RateLimitKeys, which hashes it before any store sees it. A
 * bare public `client_id` proves nothing and anybody can send it: those
 * callers, and callers without any credential, are counted by IP.
 */
export function callerTracker(request: RequestView): string {
  const authorization = header(request, 'authorization');
  if (authorization) return `authorization:${authorization}`;
  const apiKey = header(request, 'x-api-key');
  if (apiKey) return `api_key:${apiKey}`;
  const { client_id: clientId, client_secret: secret } = form(request);
  if (typeof clientId === 'string' && typeof secret === 'string') return `client_post:${clientId}\u0000${secret}`;
  return ipTracker(request);
}

/** The principal the AuthGuard established; IP for calls it let through unauthenticated (@Public). */
export function principalTracker(request: RequestView): string {
  const principal = request.principal;
  return principal ? `${principal.kind}:${principal.id}` : ipTracker(request);
}

/** The username of a password grant, in its lookup form (`Alice` and `alice` share one budget). */
function passwordUsername(request: RequestView): string | undefined {
  const body = form(request);
  return body.grant_type === 'password' && typeof body.username === 'string' && body.username.length > 0
    ? body.username
    : undefined;
}

/**
 * Budgets enforced by RateLimitGuard (@nestjs/throttler, after the
 * AuthGuard): /v1, whose budgets belong to the principal the AuthGuard
 * establishes.
 */
export const GUARDED_GROUPS: readonly RateLimitGroup[] = [
  { name: 'admin', limit: (l) => l.adminPerPrincipal, applies: isAdmin, tracker: principalTracker },
];

/**
 * Budgets enforced by RateLimitHook, which the protocol edge runs for every
 * /oauth/* endpoint (src/oauth/edge; no Nest guard runs there): callers are
 * counted by IP and username (token endpoint) or by the credential they
 * present (introspection, revocation), so no principal is needed.
 */
export const HOOKED_GROUPS: readonly RateLimitGroup[] = [
  { name: 'token_ip', limit: (l) => l.tokenPerIp, applies: isToken, tracker: ipTracker },
  {
    name: 'token_username',
    limit: (l) => l.tokenPerUsername,
    applies: (r) => isToken(r) && passwordUsername(r) !== undefined,
    tracker: (r) => `username:${usernameKey(passwordUsername(r) ?? '')}`,
  },
  { name: 'introspect', limit: (l) => l.introspectPerCaller, applies: isIntrospect, tracker: callerTracker },
  // Not named in the contract; revocation writes, so it gets the per-caller budget of introspection.
  { name: 'revoke', limit: (l) => l.introspectPerCaller, applies: isRevoke, tracker: callerTracker },
];

/**
 * Budgets of failed authentications per IP, on the routes where the caller
 * authenticates. Only failures (401) are counted, after the response; once
 * exhausted the IP is refused before any credential is looked at. This is
 * what bounds "per IP for unauthenticated calls": a per-credential budget
 * alone would give every garbage credential a fresh budget. Enforced by
 * RateLimitHook, i.e. before Nest's guards (so before the AuthGuard).
 */
export const FAILURE_BUDGETS: readonly RateLimitGroup[] = [
  { name: 'admin_unauthenticated', limit: (l) => l.adminPerPrincipal, applies: isAdmin, tracker: ipTracker },
  {
    name: 'caller_unauthenticated',
    limit: (l) => l.introspectPerCaller,
    applies: (r) => isIntrospect(r) || isRevoke(r),
    tracker: ipTracker,
  },
];
