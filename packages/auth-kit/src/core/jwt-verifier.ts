import { ConfigurationError, InvalidTokenError } from '../errors';
import { AuthKitOptions } from './auth-kit-options';
import { JoseHeader, loadJose } from './jose';
import { JwksCache } from './jwks-cache';
import { principalFromClaims } from './principal';
import { Principal } from './types';

const ALLOWED = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

/** Offline RFC 9068 verification: signature, `typ` at+jwt, alg allow-list, `iss`, `aud`, `exp`/`nbf`. */
export class JwtVerifier {
  private readonly algorithms: string[];

  constructor(
    private readonly options: AuthKitOptions,
    private readonly jwks: JwksCache,
  ) {
    this.algorithms = options.algorithms ?? ['RS256', 'ES256'];
    // Asymmetric only: an HMAC alg would let anyone holding the public key forge tokens.
    const bad = this.algorithms.filter((a) => !ALLOWED.has(a));
    if (bad.length > 0) throw new ConfigurationError(`algorithms not allowed: ${bad.join(', ')}`);
  }

  async verify(token: string): Promise<{ principal: Principal; kid?: string }> {
    const jose = await loadJose();
    let kid: string | undefined;
    try {
      const { payload } = await jose.jwtVerify(
        token,
        async (header: JoseHeader) => {
          kid = header.kid;
          return this.jwks.keyFor(header);
        },
        {
          issuer: this.options.issuer,
          audience: this.options.audience,
          typ: 'at+jwt',
          algorithms: this.algorithms,
          clockTolerance: this.options.clockToleranceSec ?? 5,
          requiredClaims: ['exp', 'iat', 'sub'],
        },
      );
      return { principal: principalFromClaims(payload, token), kid };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWT_CLAIM_VALIDATION_FAILED...) are for logs, not for the caller.
      const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
      if (code.startsWith('ERR_J')) throw new InvalidTokenError(code);
      throw err;
    }
  }
}
