import { HttpException } from '@nestjs/common';
import { OAuthError } from '../errors/oauth-error';
import { ProblemError, PROBLEM_TYPE_PREFIX, problemTitle } from '../errors/problem-error';

export interface RenderedError {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** True when the error was not anticipated: the caller logs it (the client sees a generic body). */
  unexpected: boolean;
}

/** Paths answered in the RFC 6749 error shape; everything else speaks RFC 9457. */
export function isOAuthPath(url: string): boolean {
  return url.startsWith('/oauth/') || url === '/oauth';
}

const FASTIFY_PUBLIC_DETAIL: Record<number, string> = {
  400: 'The request body is malformed.',
  404: 'No such resource.',
  405: 'Method not allowed.',
  413: 'The request body is too large.',
  415: 'The content type is not supported by this endpoint.',
  429: 'Too many requests; retry later.',
};

interface StatusCarrier {
  statusCode?: unknown;
  status?: unknown;
}

/** Response headers a library-level error may ask for (the rate limiter's `Retry-After`). */
const PASSED_HEADERS = new Set(['retry-after', 'www-authenticate']);

/**
 * Headers an HttpException carries in a `headers` field, allow-listed by
 * name: an arbitrary error's `headers` could be request headers (credentials)
 * and must never be echoed.
 */
function headersOf(err: unknown): Record<string, string> {
  if (!(err instanceof HttpException)) return {};
  const headers = (err as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return {};
  return Object.fromEntries(
    Object.entries(headers).filter(
      (e): e is [string, string] => PASSED_HEADERS.has(e[0].toLowerCase()) && typeof e[1] === 'string',
    ),
  );
}

/**
 * PostgreSQL class 22 (data exception: bad UUID text, NUL byte, value out of
 * range) is caused by the input, never by the server: a 400, not a 500.
 * Validation should stop such input earlier; this is the net under it.
 */
function isDataException(err: unknown): boolean {
  const code = (err as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** Extracts a 4xx status that a library (Fastify, Nest) attached to an error, if any. */
function clientStatusOf(err: unknown): number | undefined {
  if (err instanceof HttpException) return err.getStatus();
  if (isDataException(err)) return 400;
  if (typeof err === 'object' && err !== null) {
    const s = (err as StatusCarrier).statusCode ?? (err as StatusCarrier).status;
    if (typeof s === 'number' && s >= 400 && s < 500) return s;
  }
  return undefined;
}

/**
 * The single place that turns any error into the contract's wire shape.
 * It never copies a library message, a stack or SQL into the body.
 */
export function renderError(url: string, requestId: string, err: unknown): RenderedError {
  const oauth = isOAuthPath(url);
  if (err instanceof OAuthError) {
    return oauth ? oauthBody(err.status, err.code, err.description, err.headers) : problemFromOAuth(err, requestId);
  }
  if (err instanceof ProblemError) {
    if (oauth) {
      const code = err.slug === 'mfa_required' ? 'mfa_required' : OAuthError.forStatus(err.status);
      return oauthBody(err.status, code, err.detail, err.headers);
    }
    return problemBody(err.status, err.slug, err.detail, requestId, err.headers, err.errors);
  }
  const status = clientStatusOf(err);
  if (status !== undefined) {
    const detail = FASTIFY_PUBLIC_DETAIL[status] ?? problemTitle(status);
    const headers = headersOf(err);
    if (oauth) {
      // 429 (ThrottlerException) becomes `rate_limited` here.
      const code = OAuthError.forStatus(status);
      return oauthBody(status, code, OAuthError.publicDescription(code), headers);
    }
    return problemBody(status, slugFor(status), detail, requestId, headers);
  }
  const rendered = oauth
    ? oauthBody(500, 'server_error', OAuthError.publicDescription('server_error'), {})
    : problemBody(500, 'internal', 'An unexpected error occurred.', requestId, {});
  return { ...rendered, unexpected: true };
}

function slugFor(status: number): string {
  return problemTitle(status).toLowerCase().replace(/\s+/g, '_');
}

function oauthBody(status: number, code: string, description: string, headers: Record<string, string>): RenderedError {
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    // Caching headers are the response policy's (response-policy.ts), as on every /oauth answer.
    headers,
    body: { error: code, error_description: description },
    unexpected: false,
  };
}

function problemFromOAuth(err: OAuthError, requestId: string): RenderedError {
  return problemBody(err.status, err.code, err.description, requestId, err.headers);
}

function problemBody(
  status: number,
  slug: string,
  detail: string,
  requestId: string,
  headers: Record<string, string>,
  errors?: { field: string; message: string }[],
): RenderedError {
  const body: Record<string, unknown> = {
    type: PROBLEM_TYPE_PREFIX + slug,
    title: problemTitle(status),
    status,
    detail,
    request_id: requestId,
  };
  if (errors) body.errors = errors;
  return { status, contentType: 'application/problem+json; charset=utf-8', headers, body, unexpected: false };
}
