/** RFC 8693 §4.1: who acts on the subject's behalf, nesting earlier actors. */
export interface ActorClaim {
  sub: string;
  act?: ActorClaim;
}

/** RFC 9068 access-token claims as this service issues them. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  client_id: string;
  scope: string;
  roles: string[];
  username?: string;
  sid?: string;
  amr?: string[];
  /**
   * False when the scope is everything the principal held at issue (no
   * narrowing scope was asked for): permissions its roles gain later count
   * as held on /v1 (API.md). Absent (older tokens) reads as narrowed.
   */
  scope_narrowed?: boolean;
  act?: ActorClaim;
  /** RFC 8705 §3.1: the token is bound to the client certificate with this SHA-256 thumbprint. */
  cnf?: { 'x5t#S256': string };
}

export interface IssueAccessToken {
  sub: string;
  clientId: string;
  scope: readonly string[];
  roles: readonly string[];
  username?: string;
  sid?: string;
  amr?: readonly string[];
  /** See AccessTokenClaims.scope_narrowed; omitted means narrowed. */
  scopeNarrowed?: boolean;
  /** Token exchange: the target service instead of ACCESS_TOKEN_AUDIENCE. */
  audience?: string;
  act?: ActorClaim;
  /** Token exchange: never outlive the subject token (seconds since epoch). */
  notAfter?: number;
  /** Bind the token to this client certificate (`cnf.x5t#S256`, RFC 8705 §3). */
  certificateThumbprint?: string;
}

/**
 * Claims at once (the audit row needs the jti), the signed token when a
 * signing worker is done: callers write their rows while it signs.
 */
export interface IssuedAccessToken {
  token: Promise<string>;
  claims: AccessTokenClaims;
}
