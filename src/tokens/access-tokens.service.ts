import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { signJws } from './jws';
import { AccessTokenClaims, IssueAccessToken, IssuedAccessToken } from './access-token.types';
import { SigningKeys } from './signing-keys.service';

/** Issues RFC 9068 JWT access tokens (header typ `at+jwt`). */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeys,
  ) {}

  issue(input: IssueAccessToken): IssuedAccessToken {
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.config.issuer,
      sub: input.sub,
      aud: input.audience ?? this.config.accessTokenAudience,
      exp: Math.min(now + this.config.accessTokenTtl, input.notAfter ?? Number.POSITIVE_INFINITY),
      iat: now,
      nbf: now,
      jti: randomUUID(),
      client_id: input.clientId,
      scope: input.scope.join(' '),
      roles: [...input.roles],
    };
    if (input.username !== undefined) claims.username = input.username;
    if (input.sid !== undefined) claims.sid = input.sid;
    if (input.amr !== undefined) claims.amr = [...input.amr];
    if (input.act !== undefined) claims.act = input.act;
    const key = this.keys.signer();
    const token = signJws({ typ: 'at+jwt', kid: key.kid }, { ...claims }, key.alg, key.privateKey);
    return { token, claims };
  }
}
