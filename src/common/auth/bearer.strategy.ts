import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt } from 'passport-jwt';
import { Authenticators } from './authenticators';
import { CredentialStrategy } from './credential.strategy';
import type { Principal } from './principal';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * `Authorization: Bearer <access token>`. passport-jwt supplies the
 * extractor; verification is the service's own JWS verifier (signature,
 * typ, alg pinned to the key, iss, aud, exp, nbf, then the revocation set),
 * because jsonwebtoken, which passport-jwt verifies with, has no EdDSA.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(CredentialStrategy, 'bearer') {
  constructor(private readonly authenticators: Authenticators) {
    super((request: unknown) => fromBearer(request as Parameters<typeof fromBearer>[0]));
  }

  validate(token: string): Promise<Principal | null> {
    return this.authenticators.bearer(token);
  }
}
