import { randomBytes } from 'node:crypto';
import { createSigner, httpbis } from 'http-message-signatures';
import { ConfigurationError } from '../errors';
import { contentDigest } from './content-digest';

/** A signing secret of the auth service: `POST /v1/clients/{id}/signing-secrets` answers both. */
export interface SigningSecret {
  keyid: string;
  /** The whole `ss_...` string; its UTF-8 bytes are the HMAC-SHA256 key. */
  secret: string;
}

export interface RequestToSign {
  method: string;
  /** The absolute URL the request goes to: it is the covered `@target-uri`. */
  url: string | URL;
  headers: Headers;
  /** The exact bytes that will be sent, if any. */
  body?: Uint8Array | string;
}

export interface SignOptions {
  /** Seconds the signature stays valid (default and maximum 300, the service's limit). */
  validitySec?: number;
  now?: () => number;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Signs a request per the auth service's RFC 9421 profile: covers `@method`, `@target-uri` and,
 * when there is a body (always for POST, PUT and PATCH), `content-digest` (RFC 9530 sha-256, set
 * here); parameters created, expires, a 128-bit nonce, keyid, alg="hmac-sha256" and
 * tag="auth-service". Sets `Content-Digest`, `Signature-Input` and `Signature` on `request.headers`.
 * A request must be signed afresh for every send: the service accepts each nonce once.
 */
export async function signRequest(
  request: RequestToSign,
  key: SigningSecret,
  options: SignOptions = {},
): Promise<void> {
  if (!key.keyid || !key.secret) throw new ConfigurationError('signing needs a keyid and a secret');
  const validity = options.validitySec ?? 300;
  if (!(validity > 0 && validity <= 300)) throw new ConfigurationError('validitySec must be in (0, 300]');
  const method = request.method.toUpperCase();
  const fields = ['@method', '@target-uri'];
  const body = request.body ?? (WITH_BODY.has(method) ? '' : undefined);
  if (body !== undefined) {
    request.headers.set('content-digest', contentDigest(body));
    fields.push('content-digest');
  }
  const created = Math.floor((options.now ?? Date.now)() / 1000);
  const digest = request.headers.get('content-digest') ?? '';
  const message = { method, url: new URL(request.url).href, headers: { 'content-digest': digest } };
  const signed = await httpbis.signMessage(
    {
      key: createSigner(Buffer.from(key.secret, 'utf8'), 'hmac-sha256', key.keyid),
      fields,
      params: ['created', 'expires', 'nonce', 'keyid', 'alg', 'tag'],
      paramValues: {
        created: new Date(created * 1000),
        expires: new Date((created + validity) * 1000),
        nonce: randomBytes(16).toString('base64url'),
        tag: 'auth-service',
      },
    },
    message,
  );
  const headers = signed.headers as Record<string, string | string[]>;
  request.headers.set('signature-input', String(headers['Signature-Input']));
  request.headers.set('signature', String(headers.Signature));
}
