import { ConfigurationError, InvalidTokenError } from '../errors';
import { AuthKitOptions } from './auth-kit-options';
import { JoseHeader, loadJose } from './jose';
import { JwksCache } from './jwks-cache';
import { principalFromClaims, revocationSubject } from './principal';
import { RevocationSubject } from './revocation-set';
import { Principal } from './types';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALLOWED = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

/** What a verified token leaves behind: its principal and what revocation is checked against. */
export interface VerifiedJwt {
  principal: Principal;
  kid?: string;
  /** Built once per token: the revocation lookup on every request allocates nothing. */
  subject: RevocationSubject;
}

interface Remembered extends VerifiedJwt {
  token: string;
  exp: number;
  nbf: number;
}

/** Characters of the signature a remembered token is filed under (see `JwtVerifier.known`). */
const KEY_CHARS = 24;

/**
 * Offline RFC 9068 verification: signature, `typ` at+jwt, alg allow-list, `iss`, `aud`, `exp`/`nbf`.
 * A verified token is remembered (bounded, oldest evicted) so the signature is checked once per
 * token, not once per request: the same string verifies the same way until `exp`, which is
 * re-checked on every hit. Revocation is not cached: the caller checks it on every request.
 */
export class JwtVerifier {
  private readonly algorithms: string[];
  private readonly verified = new Map<string, Remembered>();
  private readonly leeway: number;

  constructor(
    private readonly options: AuthKitOptions,
    private readonly jwks: JwksCache,
    private readonly now: () => number = Date.now,
  ) {
    this.algorithms = options.algorithms ?? ['RS256', 'ES256'];
    this.leeway = options.clockToleranceSec ?? 5;
    // Asymmetric only: an HMAC alg would let anyone holding the public key forge tokens.
    const bad = this.algorithms.filter((a) => !ALLOWED.has(a));
    if (bad.length > 0) throw new ConfigurationError(`algorithms not allowed: ${bad.join(', ')}`);
  }

  /** The verified token, or undefined when it is not shaped like a JWT (an opaque credential). */
  async verify(token: string): Promise<VerifiedJwt | undefined> {
    const hit = this.known(token);
    if (hit) return hit;
    // Shape check only on a miss: a token seen before skips it.
    if (!JWT_SHAPE.test(token)) return undefined;
    const result = await this.verifyFully(token);
    this.remember(token, result);
    return result;
  }

  /**
   * Synchronous: this exact token, verified before and still inside `exp`/`nbf` (with leeway),
   * or undefined. Remembered tokens are filed under the end of their signature, not the whole
   * string: hashing a ~1 KB string costs microseconds per request, a 24-character slice almost
   * nothing. A hit still needs the whole string to be equal, so another token that happens to
   * end the same way is a miss and goes through full verification.
   */
  known(token: string): VerifiedJwt | undefined {
    const hit = this.verified.get(token.slice(-KEY_CHARS));
    if (hit === undefined || hit.token !== token) return undefined;
    const now = this.now() / 1000;
    if (now <= hit.exp + this.leeway && now >= hit.nbf - this.leeway) return hit;
    this.verified.delete(token.slice(-KEY_CHARS));
    return undefined;
  }

  private remember(token: string, result: VerifiedJwt): void {
    const max = this.options.verifiedCacheSize ?? 10_000;
    if (max <= 0) return;
    const key = token.slice(-KEY_CHARS);
    // Re-inserted, so a replaced entry moves to the young end and the size bound holds.
    this.verified.delete(key);
    while (this.verified.size >= max) {
      const oldest = this.verified.keys().next().value;
      if (oldest === undefined) break;
      this.verified.delete(oldest);
    }
    const c = result.principal.claims;
    const exp = typeof c.exp === 'number' ? c.exp : 0;
    this.verified.set(key, { ...result, token, exp, nbf: typeof c.nbf === 'number' ? c.nbf : 0 });
  }

  private async verifyFully(token: string): Promise<VerifiedJwt> {
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
      return { principal: principalFromClaims(payload, token), kid, subject: revocationSubject(payload, kid) };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWT_CLAIM_VALIDATION_FAILED...) are for logs, not for the caller.
      const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
      if (code.startsWith('ERR_J')) throw new InvalidTokenError(code);
      throw err;
    }
  }
}
