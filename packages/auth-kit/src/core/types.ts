import type { VerifiedSignature } from '../signing/received-request';

/** The `fetch` signature the kit calls; inject your own (proxy, mTLS agent, test double). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/** Exponential backoff with full jitter: delay n = random(0, min(maxDelayMs, baseDelayMs * 2^n)). */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Default 100 ms. */
  baseDelayMs?: number;
  /** Default 2000 ms. */
  maxDelayMs?: number;
}

/** Client credentials the kit presents to the auth service (client_secret_basic). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The authenticated caller, as the guard hands it to route handlers. */
export interface Principal {
  /** `jwt` for offline-verified access tokens, `api_key` or `opaque` for introspected credentials. */
  kind: 'jwt' | 'api_key' | 'opaque';
  /** User id, client id, or API key id. */
  subject: string;
  clientId?: string;
  username?: string;
  /** The token's `scope`, split on spaces: the permissions it carries. */
  permissions: readonly string[];
  roles: readonly string[];
  /** Token exchange: the acting party chain (RFC 8693 §4.1). */
  actor?: { sub: string };
  /** Expiry in NumericDate seconds, when known. */
  expiresAt?: number;
  /** The raw bearer token, for token exchange on the user's behalf (never log it). */
  token?: string;
  /** On signed routes: the request signature the auth service verified. */
  signature?: VerifiedSignature;
  /** Every verified claim, or the introspection answer. */
  claims: Readonly<Record<string, unknown>>;
}
