import { Clock, FetchLike, RetryOptions } from '../core/types';
import { ClientTlsOptions } from './tls-fetch';

export interface TokenSourceOptions {
  /** The auth service's issuer URL; endpoints come from its discovery document. */
  issuer: string;
  clientId: string;
  /** Not used (and may be omitted) with `tls_client_auth`. */
  clientSecret?: string;
  /**
   * `client_secret_basic` (default), `client_secret_post`, or `tls_client_auth` (RFC 8705: the
   * certificate in `tls` authenticates; the auth service then binds the tokens to it, `cnf`).
   */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'tls_client_auth';
  /** Present this client certificate to the token endpoint (required by `tls_client_auth`). */
  tls?: ClientTlsOptions;
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
