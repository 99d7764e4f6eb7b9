import { Clock, FetchLike, RetryOptions } from '../core/types';

export interface TokenSourceOptions {
  /** The auth service's issuer URL; endpoints come from its discovery document. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `client_secret_basic` (default) or `client_secret_post`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Default scope for `getToken()` (space separated); omitted: every permission of the client. */
  scope?: string;
  /** Fraction of a token's lifetime after which it is renewed (default 0.8). */
  renewAt?: number;
  /** Retries on 5xx and network errors (never 4xx). */
  retry?: RetryOptions;
  /** Per-attempt timeout (default 5000 ms). */
  timeoutMs?: number;
  fetch?: FetchLike;
  now?: Clock;
}

/** Anything that hands out a bearer token; `createServiceFetch` takes one. */
export interface TokenProvider {
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}
