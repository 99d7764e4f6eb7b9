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
  /**
   * The principal of each verified claims object: the verifier caches claims
   * per token, so a caller that presents one token gets one frozen principal
   * instead of a new object and permission set per request.
   */
  private readonly principals = new WeakMap<AccessTokenClaims, Principal>();

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationStore,
    private readonly authenticators: Authenticators,
  ) {}

  onModuleInit(): void {
    this.authenticators.registerBearer(this);
  }

  /** Claims of an active (valid and unrevoked) token, or null; `anyAudience` as in AccessTokenVerifier.verify. */
  activeClaims(token: string, anyAudience = false): Promise<AccessTokenClaims | null> {
    const known = this.activeClaimsCached(token, anyAudience);
    return known !== undefined ? Promise.resolve(known) : this.activeClaimsAfterMiss(token, anyAudience);
  }

  /** `activeClaims` after `activeClaimsCached` said undefined: verifies the signature. */
  async activeClaimsAfterMiss(token: string, anyAudience = false): Promise<AccessTokenClaims | null> {
    return this.unrevoked(await this.verifier.verifyAfterMiss(token, anyAudience));
  }

  /** `activeClaims` when memory alone decides (AccessTokenVerifier.verifyCached), else undefined. */
  activeClaimsCached(token: string, anyAudience = false): AccessTokenClaims | null | undefined {
    const claims = this.verifier.verifyCached(token, anyAudience);
    return claims === undefined ? undefined : this.unrevoked(claims);
  }

  authenticateBearer(token: string): Promise<Principal | null> {
    const known = this.activeClaimsCached(token);
    if (known !== undefined) return Promise.resolve(known && this.principalOf(known));
    return this.activeClaimsAfterMiss(token).then((claims) => claims && this.principalOf(claims));
  }

  private unrevoked(claims: AccessTokenClaims | null): AccessTokenClaims | null {
    return claims && !this.revocations.isRevoked(revocationSubjectOf(claims)) ? claims : null;
  }

  private principalOf(claims: AccessTokenClaims): Principal {
    let principal = this.principals.get(claims);
    if (principal === undefined) {
      principal = principalOf(claims);
      this.principals.set(claims, principal);
    }
    return principal;
  }
}

function principalOf(claims: AccessTokenClaims): Principal {
  const permissions = new Set(claims.scope.split(' ').filter(Boolean));
  return Object.freeze({
    kind: isUserToken(claims) ? 'user' : 'client',
    id: claims.sub,
    permissions,
    amr: claims.amr ?? [],
    username: claims.username,
    clientId: claims.client_id,
    jti: claims.jti,
    sid: claims.sid,
    scopeNarrowed: claims.scope_narrowed !== false,
  });
}
