import { Injectable } from '@nestjs/common';
import { timeOrderedUuid } from '../common/crypto/time-ordered-id';
import { AppConfig } from '../config/app-config';
import { AccessTokenClaims, IssueAccessToken, IssuedAccessToken } from './access-token.types';
import { KeyRing } from './key-ring.service';
import { SigningPool } from './signing-pool.service';

/** Issues RFC 9068 JWT access tokens (header typ `at+jwt`), signed off the event loop. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: KeyRing,
    private readonly pool: SigningPool,
  ) {}

  issue(input: IssueAccessToken): IssuedAccessToken {
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    const claims: AccessTokenClaims = {
      iss: this.config.issuer,
      sub: input.sub,
      aud: input.audience ?? this.config.accessTokenAudience,
      exp: Math.min(now + this.config.accessTokenTtl, input.notAfter ?? Number.POSITIVE_INFINITY),
      iat: now,
      nbf: now,
      // A version 7 UUID: it carries the issue time to the ms, which revocation cutoffs compare with.
      jti: timeOrderedUuid(nowMs),
      client_id: input.clientId,
      scope: input.scope.join(' '),
      roles: [...input.roles],
    };
    if (input.username !== undefined) claims.username = input.username;
    if (input.sid !== undefined) claims.sid = input.sid;
    if (input.amr !== undefined) claims.amr = [...input.amr];
    if (input.act !== undefined) claims.act = input.act;
    claims.scope_narrowed = input.scopeNarrowed !== false;
    if (input.certificateThumbprint !== undefined) claims.cnf = { 'x5t#S256': input.certificateThumbprint };
    const token = this.pool.sign(claims, this.keys.signer());
    // A caller whose transaction fails never awaits the token: that rejection is not unhandled.
    token.catch(() => undefined);
    return { token, claims };
  }
}
