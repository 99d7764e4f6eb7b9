import { Injectable, OnModuleInit } from '@nestjs/common';
import { Authenticators, BearerAuthenticator } from '../common/auth/authenticators';
import { Principal } from '../common/auth/principal';
import { RevocationStore } from '../revocation/revocation-store.service';
import { AccessTokenClaims } from './access-token.types';
import { AccessTokenVerifier } from './access-token-verifier.service';

/** User tokens carry `sid` (their refresh family); client_credentials tokens do not. */
export function isUserToken(claims: AccessTokenClaims): boolean {
  return claims.sid !== undefined;
}

/** The revocation subject of an access token: every entry that can kill it. */
export function revocationSubjectOf(claims: AccessTokenClaims): Parameters<RevocationStore['isRevoked']>[0] {
  return {
    jti: claims.jti,
    sid: claims.sid,
    userId: isUserToken(claims) ? claims.sub : undefined,
    clientId: claims.client_id,
    iat: claims.iat,
  };
}

/**
 * Access token -> principal: verified (cached) claims, then the revocation
 * set on every call. No database access in steady state.
 */
@Injectable()
export class BearerPrincipals implements BearerAuthenticator, OnModuleInit {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationStore,
    private readonly authenticators: Authenticators,
  ) {}

  onModuleInit(): void {
    this.authenticators.registerBearer(this);
  }

  /** Claims of an active (valid and unrevoked) token, or null; `anyAudience` as in AccessTokenVerifier.verify. */
  async activeClaims(token: string, anyAudience = false): Promise<AccessTokenClaims | null> {
    const claims = await this.verifier.verify(token, anyAudience);
    if (!claims || this.revocations.isRevoked(revocationSubjectOf(claims))) return null;
    return claims;
  }

  async authenticateBearer(token: string): Promise<Principal | null> {
    const claims = await this.activeClaims(token);
    if (!claims) return null;
    const permissions = new Set(claims.scope.split(' ').filter(Boolean));
    return {
      kind: isUserToken(claims) ? 'user' : 'client',
      id: claims.sub,
      permissions,
      amr: claims.amr ?? [],
      username: claims.username,
      clientId: claims.client_id,
      jti: claims.jti,
      sid: claims.sid,
      scopeNarrowed: claims.scope_narrowed !== false,
    };
  }
}
