import { randomUUID } from 'node:crypto';
import { FetchLike } from '../core/types';
import { signRequest, SigningSecret } from '../signing/sign-request';
import { bodyBytes, ClientTlsOptions, createTlsFetch } from './tls-fetch';
import { TokenProvider } from './token-source-options';

export interface ServiceFetchOptions {
  /** Where the bearer token comes from: a `TokenSource`, or `tokenSource.onBehalfOf(...)`. */
  tokens: TokenProvider;
  /** The current request id to propagate (e.g. from AsyncLocalStorage); a fresh UUID otherwise. */
  requestId?: () => string | undefined;
  /** Sign every request (RFC 9421, the auth service's hmac-sha256 profile) with this secret. */
  signing?: SigningSecret;
  /** Present this client certificate (mutual TLS; needed for certificate-bound tokens). */
  tls?: ClientTlsOptions;
  fetch?: FetchLike;
}

export type ServiceFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Bodies that can be sent twice; a stream cannot, so a 401 on it is returned as is. */
function replayable(body: RequestInit['body']): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob
  );
}

/**
 * A `fetch` that authenticates as the service: adds `Authorization: Bearer`, an
 * `X-Request-ID` (the caller's, or the propagated one, or a new one), and on a 401
 * retries once with a freshly issued token (the cached one may have been revoked).
 * With `signing`, every attempt is signed afresh (new nonce) over the exact bytes sent.
 */
export function createServiceFetch(options: ServiceFetchOptions): ServiceFetch {
  if (options.tls && options.fetch) throw new TypeError('pass either tls or fetch, not both');
  const fetchImpl = options.tls ? createTlsFetch(options.tls) : (options.fetch ?? fetch);
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('x-request-id')) headers.set('x-request-id', options.requestId?.() ?? randomUUID());
    // Signing needs the bytes up front; send those same bytes so the digest matches what arrives.
    const body = options.signing ? await bodyBytes(init.body) : undefined;
    if (options.signing && body !== undefined && init.body instanceof URLSearchParams && !headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    }
    const send = async (forceRefresh: boolean): Promise<Response> => {
      headers.set('authorization', `Bearer ${await options.tokens.getToken({ forceRefresh })}`);
      if (options.signing) {
        const method = init.method ?? 'GET';
        await signRequest({ method, url: input, headers, body }, options.signing);
        // A Buffer is a Uint8Array: a valid fetch body whatever lib's BodyInit typing says.
        return fetchImpl(input, { ...init, headers, body: body as unknown as BodyInit | undefined });
      }
      return fetchImpl(input, { ...init, headers });
    };
    const first = await send(false);
    if (first.status !== 401 || !replayable(init.body)) return first;
    await first.body?.cancel();
    return send(true);
  };
}
