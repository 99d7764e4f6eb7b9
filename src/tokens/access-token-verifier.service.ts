import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../common/crypto/secrets';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { AccessTokenClaims } from './access-token.types';
import { decodeJws, verifySignature } from './jws';
import { SigningKeys } from './signing-keys.service';

const MAX_CACHED = 200_000;
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
  private readonly cache = new Map<string, { claims: AccessTokenClaims; kid: string }>();

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeys,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * The claims of a valid, unexpired token, or null. `anyAudience`: also a token
   * exchanged for another service (introspection, revocation, token exchange);
   * never for a credential presented to this service itself.
   */
  async verify(token: string, anyAudience = false): Promise<AccessTokenClaims | null> {
    const claims = await this.verifyAnyAudience(token);
    return claims && (anyAudience || this.audienceOk(claims.aud)) ? claims : null;
  }

  private async verifyAnyAudience(token: string): Promise<AccessTokenClaims | null> {
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
    const verified = await this.verifyUncached(token, now);
    if (!verified) return null;
    if (this.cache.size >= MAX_CACHED) this.evict(now);
    this.cache.set(cacheKey, verified);
    return verified.claims;
  }

  private async verifyUncached(token: string, now: number): Promise<{ claims: AccessTokenClaims; kid: string } | null> {
    const jws = decodeJws(token);
    if (!jws) return null;
    const { header, payload: p } = jws;
    if (!isString(header.typ) || !TYP.test(header.typ) || !isString(header.kid) || header.kid.length > 128 || header.crit !== undefined) return null;
    const key = await this.keys.verificationKey(header.kid);
    if (!key || header.alg !== key.alg || !verifySignature(jws, key.alg, key.publicKey)) return null;
    if (p.iss !== this.config.issuer || (typeof p.aud !== 'string' && !Array.isArray(p.aud))) return null;
    if (!isNumber(p.exp) || !isNumber(p.iat) || !isNumber(p.nbf) || p.exp <= now || p.nbf > now) return null;
    if (!isString(p.sub) || !isString(p.jti) || !isString(p.client_id) || typeof p.scope !== 'string') return null;
    return { claims: p as unknown as AccessTokenClaims, kid: key.kid };
  }

  private audienceOk(aud: unknown): boolean {
    const wanted = this.config.accessTokenAudience;
    return aud === wanted || (Array.isArray(aud) && aud.includes(wanted));
  }

  private evict(now: number): void {
    for (const [k, c] of this.cache) if (c.claims.exp <= now) this.cache.delete(k);
    // Still full of live tokens: drop the oldest tenth (Map keeps insertion order).
    let drop = this.cache.size >= MAX_CACHED ? MAX_CACHED / 10 : 0;
    for (const k of this.cache.keys()) {
      if (drop-- <= 0) break;
      this.cache.delete(k);
    }
  }
}
