import { IssuerUnreachableError } from '../errors';
import { backoffDelay, sleep } from './backoff';
import { FetchLike, RetryOptions } from './types';

/** A 5xx or network failure: worth retrying. */
class Retryable extends Error {}

export interface HttpCall {
  url: string;
  init: RequestInit;
  fetch: FetchLike;
  retry?: RetryOptions;
  timeoutMs?: number;
}

/**
 * One HTTP call to the auth service, retried with backoff on network errors and 5xx,
 * never on 4xx (returned to the caller, who knows what a 4xx means for its endpoint).
 */
export async function callIssuer(call: HttpCall): Promise<Response> {
  const retries = call.retry?.retries ?? 3;
  let last: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(attempt - 1, call.retry));
    try {
      const signal = AbortSignal.timeout(call.timeoutMs ?? 5000);
      const res = await call.fetch(call.url, { ...call.init, signal }).catch((err: unknown) => {
        throw new Retryable('network error', { cause: err });
      });
      if (res.status >= 500) {
        await res.body?.cancel();
        throw new Retryable(`HTTP ${res.status}`);
      }
      return res;
    } catch (err) {
      if (!(err instanceof Retryable)) throw err;
      last = err;
    }
  }
  const detail = last instanceof Error ? last.message : 'unknown failure';
  throw new IssuerUnreachableError(`${new URL(call.url).origin} unreachable (${detail})`, { cause: last });
}

/** client_secret_basic: RFC 6749 §2.3.1 form-encodes id and secret before base64. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

export async function readJson(res: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await res.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
