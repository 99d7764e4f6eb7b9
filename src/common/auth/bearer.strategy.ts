import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt } from 'passport-jwt';
import type { Authenticators } from './authenticators';
import { CredentialStrategy } from './credential.strategy';
import type { Principal } from './principal';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * `Authorization: Bearer <access token>`. passport-jwt supplies the
 * extractor; verification is AccessTokenVerifier (@nestjs/jwt: signature,
 * typ, alg pinned to the key, iss, aud, exp, nbf, then the revocation set),
 * so that one cache and one key ring serve every way a token arrives.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(CredentialStrategy, 'bearer') {
  constructor() {
    super((request: unknown) => fromBearer(request as Parameters<typeof fromBearer>[0]));
  }

  validate(authenticators: Authenticators, token: string): Promise<Principal | null> {
    return authenticators.bearer(token);
  }
}
