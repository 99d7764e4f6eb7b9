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
}

export interface IssueAccessToken {
  sub: string;
  clientId: string;
  scope: readonly string[];
  roles: readonly string[];
  username?: string;
  sid?: string;
  amr?: readonly string[];
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
}
