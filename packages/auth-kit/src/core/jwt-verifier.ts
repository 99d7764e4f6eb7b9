import { ConfigurationError, InvalidTokenError } from '../errors';
import { AuthKitOptions } from './auth-kit-options';
import { JoseHeader, loadJose } from './jose';
import { JwksCache } from './jwks-cache';
import { principalFromClaims } from './principal';
import { Principal } from './types';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALLOWED = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

interface Verified {
  principal: Principal;
  kid?: string;
  exp: number;
  nbf: number;
}

/**
 * Offline RFC 9068 verification: signature, `typ` at+jwt, alg allow-list, `iss`, `aud`, `exp`/`nbf`.
 * A verified token is remembered (bounded, oldest evicted) so the signature is checked once per
 * token, not once per request: the same string verifies the same way until `exp`, which is
 * re-checked on every hit. Revocation is not cached: the caller checks it on every request.
 */
export class JwtVerifier {
  private readonly algorithms: string[];
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly options: AuthKitOptions,
    private readonly jwks: JwksCache,
    private readonly now: () => number = Date.now,
  ) {
    this.algorithms = options.algorithms ?? ['RS256', 'ES256'];
    // Asymmetric only: an HMAC alg would let anyone holding the public key forge tokens.
    const bad = this.algorithms.filter((a) => !ALLOWED.has(a));
    if (bad.length > 0) throw new ConfigurationError(`algorithms not allowed: ${bad.join(', ')}`);
  }

  /** The verified token, or undefined when it is not shaped like a JWT (an opaque credential). */
  async verify(token: string): Promise<{ principal: Principal; kid?: string } | undefined> {
    const hit = this.verified.get(token);
    if (hit) {
      const now = this.now() / 1000;
      const leeway = this.options.clockToleranceSec ?? 5;
      if (now <= hit.exp + leeway && now >= hit.nbf - leeway) return hit;
      this.verified.delete(token);
    }
    // Shape check only on a miss: a token seen before skips it.
    if (!JWT_SHAPE.test(token)) return undefined;
    const result = await this.verifyFully(token);
    this.remember(token, result);
    return result;
  }

  private remember(token: string, result: { principal: Principal; kid?: string }): void {
    const max = this.options.verifiedCacheSize ?? 10_000;
    if (max <= 0) return;
    while (this.verified.size >= max) {
      const oldest = this.verified.keys().next().value;
      if (oldest === undefined) break;
      this.verified.delete(oldest);
    }
    const c = result.principal.claims;
    const exp = typeof c.exp === 'number' ? c.exp : 0;
    this.verified.set(token, { ...result, exp, nbf: typeof c.nbf === 'number' ? c.nbf : 0 });
  }

  private async verifyFully(token: string): Promise<{ principal: Principal; kid?: string }> {
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
          currentDate: new Date(this.now()),
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
