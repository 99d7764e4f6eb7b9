import { Injectable } from '@nestjs/common';
import { Cache } from '../common/cache/cache';
import { sha256Hex } from '../common/crypto/secrets';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { AccessTokenClaims } from './access-token.types';
import { decodeJws, verifySignature } from './jws';
import { SigningKeys } from './signing-keys.service';

const MAX_CACHED = 200_000;

interface Verified {
  claims: AccessTokenClaims;
  kid: string;
}
const TYP = /^(application\/)?at\+jwt$/i;

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Verifies access tokens: shape, `typ`, `alg` equal to the key's own, known
 * `kid`, signature, `iss`, `aud`, `exp`, `nbf`. Verified claims are cached by
 * the token's hash until expiry, so the hot path is one hash and one lookup.
 * Revocation is checked by the caller on every use, never cached here.
 */
@Injectable()
export class AccessTokenVerifier {
  /** Token hash -> verified claims until the token expires; bad tokens are never kept. */
  private readonly cache = new Cache<string, Verified | null>({
    max: MAX_CACHED,
    ttl: (v) => (v ? v.claims.exp * 1000 - Date.now() : 0),
  });

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeys,
    private readonly metrics: MetricsService,
  ) {}

  /** The claims of a valid, unexpired token, or null. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    const now = Math.floor(Date.now() / 1000);
    const cacheKey = sha256Hex(token);
    const cached = this.cache.get(cacheKey);
    this.metrics.cacheLookups.inc({ cache: 'access_token', result: cached ? 'hit' : 'miss' });
    if (cached) {
      // A key that stopped verifying (retired past its last token) kills its cached tokens too.
      if (cached.claims.exp > now && this.keys.cachedKey(cached.kid) !== undefined) return cached.claims;
      this.cache.delete(cacheKey);
      return null;
    }
    // Concurrent first uses of one token share one signature check.
    const verified = await this.cache.getOrLoad(cacheKey, () => this.verifyUncached(token, now));
    return verified?.claims ?? null;
  }

  private async verifyUncached(token: string, now: number): Promise<Verified | null> {
    const jws = decodeJws(token);
    if (!jws) return null;
    const { header, payload: p } = jws;
    if (!isString(header.typ) || !TYP.test(header.typ) || !isString(header.kid) || header.kid.length > 128 || header.crit !== undefined) return null;
    const key = await this.keys.verificationKey(header.kid);
    if (!key || header.alg !== key.alg || !verifySignature(jws, key.alg, key.publicKey)) return null;
    if (p.iss !== this.config.issuer || !this.audienceOk(p.aud)) return null;
    if (!isNumber(p.exp) || !isNumber(p.iat) || !isNumber(p.nbf) || p.exp <= now || p.nbf > now) return null;
    if (!isString(p.sub) || !isString(p.jti) || !isString(p.client_id) || typeof p.scope !== 'string') return null;
    return { claims: p as unknown as AccessTokenClaims, kid: key.kid };
  }

  private audienceOk(aud: unknown): boolean {
    const wanted = this.config.accessTokenAudience;
    return aud === wanted || (Array.isArray(aud) && aud.includes(wanted));
  }
}
