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
  act?: ActorClaim;
}

export interface IssueAccessToken {
  sub: string;
  clientId: string;
  scope: readonly string[];
  roles: readonly string[];
  username?: string;
  sid?: string;
  amr?: readonly string[];
  /** Token exchange: the target service instead of ACCESS_TOKEN_AUDIENCE. */
  audience?: string;
  act?: ActorClaim;
  /** Token exchange: never outlive the subject token (seconds since epoch). */
  notAfter?: number;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
}
