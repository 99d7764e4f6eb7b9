import { AuthKitError, InsufficientPermissionError, InvalidTokenError } from '../errors';

/** What an adapter sends when the guard refuses: status, headers and an RFC 9457 body. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: { type: string; title: string; status: number; detail: string };
}

const TITLES: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' };

/**
 * Maps any error from `authenticate`/`authorize` to an answer. RFC 6750 §3: 401 carries
 * `error="invalid_token"` (none when no credential was sent), 403 `insufficient_scope`
 * with the scope needed. Unknown errors become a bare 500: no internals leak.
 */
export function refusalFor(err: unknown, realm: string): Refusal {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'cache-control': 'no-store' };
  const q = (s: string): string => s.replace(/["\\]/g, '');
  let status = 500;
  let detail = 'internal error';
  if (err instanceof InvalidTokenError) {
    status = 401;
    detail = err.message;
    headers['www-authenticate'] = err.missing
      ? `Bearer realm="${q(realm)}"`
      : `Bearer realm="${q(realm)}", error="invalid_token", error_description="${err.message}"`;
  } else if (err instanceof InsufficientPermissionError) {
    status = 403;
    detail = 'the token lacks a required permission';
    headers['www-authenticate'] =
      `Bearer realm="${q(realm)}", error="insufficient_scope", scope="${q(err.required.join(' '))}"`;
  } else if (err instanceof AuthKitError && err.status === 503) {
    status = 503;
    detail = 'authentication is temporarily unavailable';
    headers['retry-after'] = '5';
  }
  const title = TITLES[status] ?? 'Internal Server Error';
  return { status, headers, body: { type: 'about:blank', title, status, detail } };
}

/** Reads the kit's inputs from Node-style headers (lower-cased keys, maybe arrays). */
export function credentialsFrom(headers: Record<string, string | string[] | undefined>): {
  authorization?: string;
  apiKey?: string;
} {
  const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  return { authorization: one(headers.authorization), apiKey: one(headers['x-api-key']) };
}
