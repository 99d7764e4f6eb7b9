import { AuthKitError, InsufficientPermissionError, InvalidSignatureError, InvalidTokenError } from '../errors';
import { ReceivedRequest } from '../signing/received-request';
import { certificateThumbprint } from './certificate-binding';

/** What an adapter sends when the guard refuses: status, headers and an RFC 9457 body. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  /** `code` is set where `detail` alone would not tell a client what to fix (`invalid_signature`). */
  body: { type: string; title: string; status: number; detail: string; code?: string };
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
  let code: string | undefined;
  if (err instanceof InvalidSignatureError) {
    // The token may be fine: no invalid_token (a client would only fetch a new one); RFC 9421 §5.1
    // Accept-Signature says what a signature must cover.
    status = 401;
    detail = err.message;
    code = err.code;
    headers['www-authenticate'] = `Bearer realm="${q(realm)}"`;
    headers['accept-signature'] =
      'sig1=("@method" "@target-uri" "content-digest");alg="hmac-sha256";tag="auth-service"';
  } else if (err instanceof InvalidTokenError) {
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
  const body: Refusal['body'] = { type: 'about:blank', title, status, detail };
  if (code) body.code = code;
  return { status, headers, body };
}

/** A Node-style header value as one string (the first of repeated ones). */
export const oneHeader = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Reads the kit's inputs from Node-style headers (lower-cased keys, maybe arrays) and, given the
 * request's socket, the thumbprint of its TLS client certificate (for `cnf` checks).
 */
export function credentialsFrom(
  headers: Record<string, string | string[] | undefined>,
  socket?: unknown,
): {
  authorization?: string;
  apiKey?: string;
  certificateThumbprint?: string;
} {
  const credentials = { authorization: oneHeader(headers.authorization), apiKey: oneHeader(headers['x-api-key']) };
  return socket === undefined ? credentials : { ...credentials, certificateThumbprint: certificateThumbprint(socket) };
}

/** A Node request (node:http, Express, Fastify's `request.raw`) as the signature check reads it. */
export function receivedRequest(
  req: { method?: string; url?: string; headers: ReceivedRequest['headers'] },
  socket: unknown,
  rawBody: Uint8Array | string | undefined,
): ReceivedRequest {
  const encrypted = !!socket && (socket as { encrypted?: unknown }).encrypted === true;
  return { method: (req.method ?? 'GET').toUpperCase(), url: req.url ?? '/', headers: req.headers, rawBody, encrypted };
}
