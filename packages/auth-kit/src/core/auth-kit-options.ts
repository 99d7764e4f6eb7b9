import { SignatureOptions } from '../signing/received-request';
import { Clock, ClientCredentials, FetchLike, RetryOptions } from './types';

export interface AuthKitOptions {
  /** The auth service's issuer URL, exactly as in its discovery document and tokens' `iss`. */
  issuer: string;
  /**
   * This service's audience(s): tokens whose `aud` contains none of them are refused. A service
   * that takes both user tokens (the issuer's `ACCESS_TOKEN_AUDIENCE`) and exchanged tokens
   * (`aud` = its own client_id) lists both.
   */
  audience: string | string[];
  /** A client holding `tokens:introspect`: reads the revocation feed and introspects API keys. */
  credentials: ClientCredentials;
  /** Accepted JWS algorithms (default RS256 and ES256); `none` and HMAC are never accepted. */
  algorithms?: string[];
  /** Leeway for `exp`/`nbf`, in seconds (default 5). */
  clockToleranceSec?: number;
  /** Verified JWTs remembered so each is signature-checked once (default 10 000; 0 disables). */
  verifiedCacheSize?: number;
  /** Least time between two JWKS fetches caused by unknown `kid`s (default 30 000 ms). */
  jwksCooldownMs?: number;
  revocation?: {
    /** Follow the revocation feed (default true). Off: revoked JWTs live until they expire. */
    enabled?: boolean;
    /** The feed counts as stale after being unreachable this long (default 10 000 ms). */
    staleAfterMs?: number;
    /** What JWTs get while the feed is stale: 503 (`fail-closed`, default) or an introspection call. */
    onStale?: 'fail-closed' | 'introspect';
    /** A connected stream silent this long is reopened (default 45 000 ms). */
    idleTimeoutMs?: number;
    /** Reconnect backoff (default 100 ms doubling to 5 s, jittered). */
    reconnect?: RetryOptions;
    /** How long `start()` waits for the first revocation list (default 10 000 ms). */
    startWaitMs?: number;
  };
  introspection?: {
    /** Default 10 000. */
    maxEntries?: number;
    /** Default and maximum 30 000 ms. */
    ttlMs?: number;
    /** Default 5000 ms. */
    negativeTtlMs?: number;
  };
  /**
   * Verifying RFC 9421 request signatures (routes with `@RequireSignedRequest()` or the adapters'
   * `signed: true`). `credentials` must then also hold `signatures:verify`.
   */
  signatures?: SignatureOptions;
  /** Retries for discovery, JWKS and introspection calls. */
  retry?: RetryOptions;
  fetch?: FetchLike;
  now?: Clock;
  /** Called with operational warnings (feed reconnects); never with a credential. */
  onWarn?: (message: string) => void;
}

/** The inputs the guard reads from a request, whatever the framework. */
export interface RequestCredentials {
  /** The `Authorization` header. */
  authorization?: string;
  /** The `X-API-Key` header. */
  apiKey?: string;
  /** `x5t#S256` of the connection's client certificate (`certificateThumbprint(socket)`), if any. */
  certificateThumbprint?: string;
}

export interface AuthKitStats {
  introspectionCalls: number;
  introspectionCacheSize: number;
  jwksFetches: number;
  feedConnects: number;
  feedStaleForMs: number;
  revocations: number;
}
