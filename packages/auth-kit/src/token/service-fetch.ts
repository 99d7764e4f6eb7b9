import { randomUUID } from 'node:crypto';
import { FetchLike } from '../core/types';
import { TokenProvider } from './token-source-options';

export interface ServiceFetchOptions {
  /** Where the bearer token comes from: a `TokenSource`, or `tokenSource.onBehalfOf(...)`. */
  tokens: TokenProvider;
  /** The current request id to propagate (e.g. from AsyncLocalStorage); a fresh UUID otherwise. */
  requestId?: () => string | undefined;
  fetch?: FetchLike;
}

export type ServiceFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Bodies that can be sent twice; a stream cannot, so a 401 on it is returned as is. */
function replayable(body: RequestInit['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof URLSearchParams
    || body instanceof ArrayBuffer || ArrayBuffer.isView(body) || body instanceof Blob;
}

/**
 * A `fetch` that authenticates as the service: adds `Authorization: Bearer`, an
 * `X-Request-ID` (the caller's, or the propagated one, or a new one), and on a 401
 * retries once with a freshly issued token (the cached one may have been revoked).
 */
export function createServiceFetch(options: ServiceFetchOptions): ServiceFetch {
  const fetchImpl = options.fetch ?? fetch;
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('x-request-id')) headers.set('x-request-id', options.requestId?.() ?? randomUUID());
    const send = async (forceRefresh: boolean): Promise<Response> => {
      headers.set('authorization', `Bearer ${await options.tokens.getToken({ forceRefresh })}`);
      return fetchImpl(input, { ...init, headers });
    };
    const first = await send(false);
    if (first.status !== 401 || !replayable(init.body)) return first;
    await first.body?.cancel();
    return send(true);
  };
}
