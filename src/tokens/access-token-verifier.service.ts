import { Injectable } from '@nestjs/common';
import { Cache } from '../common/cache/cache';
import { sha256Hex } from '../common/crypto/secrets';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { AccessTokenClaims } from './access-token.types';
import { readHeader, verifyAccessJwt } from './jwt-codec';
import { KeyRing } from './key-ring.service';

const MAX_CACHED = 200_000;
const HIT = Object.freeze({ cache: 'access_token', result: 'hit' });
const MISS = Object.freeze({ cache: 'access_token', result: 'miss' });

interface Verified {
  claims: AccessTokenClaims;
  kid: string;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** RFC 9068 §2.2: `aud` is required: a non-empty string, or a non-empty list of them. */
const audiencePresent = (aud: unknown): boolean =>
  isString(aud) || (Array.isArray(aud) && aud.length > 0 && aud.every(isString));
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
    private readonly keys: KeyRing,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * The claims of a valid, unexpired token, or null. `anyAudience`: also a token
   * exchanged for another service (introspection, revocation, token exchange);
   * never for a credential presented to this service itself.
   */
  verify(token: string, anyAudience = false): Promise<AccessTokenClaims | null> {
    const known = this.verifyCached(token, anyAudience);
    return known !== undefined ? Promise.resolve(known) : this.verifyAfterMiss(token, anyAudience);
  }

  /** `verify` after `verifyCached` said undefined: the signature check, shared by concurrent first uses. */
  async verifyAfterMiss(token: string, anyAudience = false): Promise<AccessTokenClaims | null> {
    const now = Math.floor(Date.now() / 1000);
    // Concurrent first uses of one token share one signature check.
    const verified = await this.cache.getOrLoad(sha256Hex(token), () => this.verifyUncached(token, now));
    return verified && this.audienceFits(verified.claims, anyAudience) ? verified.claims : null;
  }

  /**
   * The answer of `verify` when memory alone decides it (a token verified
   * before), else undefined. Synchronous: the hot path of introspection and
   * of a Bearer caller awaits nothing for a token it has seen.
   */
  verifyCached(token: string, anyAudience = false): AccessTokenClaims | null | undefined {
    const cacheKey = sha256Hex(token);
    const cached = this.cache.get(cacheKey);
    if (!cached) {
      this.metrics.cacheLookups.inc(MISS);
      return undefined;
    }
    this.metrics.cacheLookups.inc(HIT);
    // A key that stopped verifying (retired past its last token) kills its cached tokens too.
    if (cached.claims.exp > Math.floor(Date.now() / 1000) && this.keys.cachedKey(cached.kid) !== undefined) {
      return this.audienceFits(cached.claims, anyAudience) ? cached.claims : null;
    }
    this.cache.delete(cacheKey);
    return null;
  }

  private audienceFits(claims: AccessTokenClaims, anyAudience: boolean): boolean {
    return anyAudience || this.audienceOk(claims.aud);
  }

  private async verifyUncached(token: string, now: number): Promise<Verified | null> {
    const header = readHeader(token);
    if (!header) return null;
    const key = await this.keys.verificationKey(header.kid);
    // The alg must be the key's own: the token does not choose how it is checked.
    if (!key || header.alg !== key.alg) return null;
    // Any audience here; verify() applies this service's own unless the caller accepts any.
    const p = verifyAccessJwt(token, {
      alg: key.alg,
      publicPem: key.publicPem,
      issuer: this.config.issuer,
      nowSeconds: now,
    });
    if (!p || !audiencePresent(p.aud)) return null;
    // jsonwebtoken checks exp and nbf only when present; RFC 9068 requires them.
    if (!isNumber(p.exp) || !isNumber(p.iat) || !isNumber(p.nbf) || p.exp <= now || p.nbf > now) return null;
    if (!isString(p.sub) || !isString(p.jti) || !isString(p.client_id) || typeof p.scope !== 'string') return null;
    return { claims: p as unknown as AccessTokenClaims, kid: key.kid };
  }

  private audienceOk(aud: unknown): boolean {
    const wanted = this.config.accessTokenAudience;
    return aud === wanted || (Array.isArray(aud) && aud.includes(wanted));
  }
}
