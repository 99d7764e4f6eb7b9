import {
  ConfigurationError,
  FeedStaleError,
  InsufficientPermissionError,
  InvalidSignatureError,
  InvalidTokenError,
} from '../errors';
import { ReceivedRequest, VerifiedSignature } from '../signing/received-request';
import { SignatureVerifier } from '../signing/signature-verifier';
import { AuthKitOptions, AuthKitStats, RequestCredentials } from './auth-kit-options';
import { certificateThumbprint, checkCertificateBinding } from './certificate-binding';
import { Discovery } from './discovery';
import { Introspector } from './introspector';
import { JwksCache } from './jwks-cache';
import { JwtVerifier, VerifiedJwt } from './jwt-verifier';
import { principalFromIntrospection } from './principal';
import { RevocationFeed } from './revocation-feed';
import { RevocationSet } from './revocation-set';
import { Principal } from './types';

/**
 * The receiving side's one core; the NestJS guard, the Fastify hook and the Express
 * middleware are thin adapters over `authenticate` and `authorize`.
 */
export class AuthKit {
  private readonly discovery: Discovery;
  private readonly jwks: JwksCache;
  private readonly revoked: RevocationSet;
  private readonly feed?: RevocationFeed;
  private readonly introspector: Introspector;
  private readonly verifier: JwtVerifier;
  private readonly signatures?: SignatureVerifier;
  private readonly prune: NodeJS.Timeout;

  constructor(private readonly options: AuthKitOptions) {
    if (!options.audience || options.audience.length === 0) throw new ConfigurationError('audience is required');
    if (!options.credentials?.clientId || !options.credentials.clientSecret) {
      throw new ConfigurationError('credentials (a client holding tokens:introspect) are required');
    }
    const fetchImpl = options.fetch ?? fetch;
    const now = options.now ?? Date.now;
    this.discovery = new Discovery(options.issuer, fetchImpl, options.retry);
    this.jwks = new JwksCache(this.discovery, fetchImpl, now, options.jwksCooldownMs ?? 30_000, options.retry);
    this.revoked = new RevocationSet(() => Math.floor(now() / 1000));
    this.introspector = new Introspector(options.issuer, this.discovery, fetchImpl, now, {
      ...options.introspection,
      credentials: options.credentials,
      retry: options.retry,
    });
    this.verifier = new JwtVerifier(options, this.jwks, now);
    if (options.signatures) {
      this.signatures = new SignatureVerifier(
        options.signatures,
        this.discovery,
        fetchImpl,
        options.credentials,
        options.retry,
      );
    }
    if (options.revocation?.enabled !== false) {
      this.feed = new RevocationFeed(this.revoked, this.discovery, fetchImpl, now, {
        credentials: options.credentials,
        idleTimeoutMs: options.revocation?.idleTimeoutMs,
        reconnect: options.revocation?.reconnect,
        onWarn: options.onWarn,
      });
    }
    this.prune = setInterval(() => this.revoked.prune(), 60_000);
    this.prune.unref();
  }

  /** Loads discovery and JWKS (failing on a bad issuer) and starts following the revocation feed. */
  async start(): Promise<void> {
    await this.discovery.get();
    await this.jwks.refresh();
    await this.feed?.start(this.options.revocation?.startWaitMs);
  }

  async close(): Promise<void> {
    clearInterval(this.prune);
    await this.feed?.close();
  }

  /**
   * Who is calling; throws `InvalidTokenError` (401), `FeedStaleError` or `IssuerUnreachableError` (503).
   * A certificate-bound token (`cnf.x5t#S256`) passes only with `credentials.certificateThumbprint` equal.
   */
  async authenticate(credentials: RequestCredentials): Promise<Principal> {
    const principal = await this.identify(credentials);
    checkCertificateBinding(principal, credentials.certificateThumbprint);
    return principal;
  }

  /**
   * `authenticate` without waiting, for the common case: a `Bearer` JWT whose signature, `iss`,
   * `aud` and `typ` this kit verified before. `exp`/`nbf`, the feed's freshness, the revocation
   * set and a `cnf` binding are checked now, exactly as `authenticate` would; it throws the same
   * errors. Undefined means "cannot decide without I/O" (a new token, an opaque credential,
   * the feed stale with introspection as the fallback): call `authenticate`.
   * `socket` is only read for a certificate-bound token.
   */
  authenticateKnown(authorization: string | undefined, socket?: unknown): Principal | undefined {
    // Exact scheme only; `bearer`, extra spaces and the like take the full path.
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return undefined;
    const verified = this.verifier.known(authorization.slice(7));
    if (verified === undefined) return undefined;
    if (this.feedStale()) {
      if (this.options.revocation?.onStale === 'introspect') return undefined;
      throw new FeedStaleError('revocation feed stale: cannot vouch for the token');
    }
    const principal = this.unlessRevoked(verified);
    if (principal.claims.cnf !== undefined) checkCertificateBinding(principal, certificateThumbprint(socket));
    return principal;
  }

  /**
   * Checks the request's RFC 9421 signature through the auth service and adds it to the principal
   * (`principal.signature`). Throws `InvalidSignatureError` (401); needs the `signatures` option.
   */
  async verifySignature(request: ReceivedRequest, principal: Principal): Promise<Principal> {
    if (!this.signatures) throw new ConfigurationError('a signed route needs the signatures option');
    const signature: VerifiedSignature = await this.signatures.verify(request);
    if (this.options.signatures?.bindToClient !== false && principal.clientId !== signature.clientId) {
      throw new InvalidSignatureError("signed by another client than the token's");
    }
    return { ...principal, signature };
  }

  /** Throws `InsufficientPermissionError` (403) unless the principal holds every permission. */
  authorize(principal: Principal, required: readonly string[]): void {
    const missing = required.filter((p) => !principal.permissions.includes(p));
    if (missing.length > 0) throw new InsufficientPermissionError(required);
  }

  private async identify(credentials: RequestCredentials): Promise<Principal> {
    const bearer = parseBearer(credentials.authorization);
    if (bearer !== undefined) {
      const verified = await this.verifier.verify(bearer);
      return verified ? this.jwt(bearer, verified) : this.opaque(bearer, 'access_token');
    }
    if (credentials.apiKey) return this.opaque(credentials.apiKey, 'api_key');
    throw new InvalidTokenError('no credential', true);
  }

  stats(): AuthKitStats {
    return {
      introspectionCalls: this.introspector.calls,
      introspectionCacheSize: this.introspector.size(),
      jwksFetches: this.jwks.fetchCount,
      feedConnects: this.feed?.connects ?? 0,
      feedStaleForMs: this.feed?.staleForMs() ?? 0,
      revocations: this.revoked.size(),
    };
  }

  private feedStale(): boolean {
    return !!this.feed && this.feed.staleForMs() > (this.options.revocation?.staleAfterMs ?? 10_000);
  }

  private async jwt(token: string, verified: VerifiedJwt): Promise<Principal> {
    if (this.feedStale()) {
      if (this.options.revocation?.onStale !== 'introspect') {
        throw new FeedStaleError('revocation feed stale: cannot vouch for the token');
      }
      // No cache here: with the feed down nothing would evict a revoked token's cached answer.
      const answer = await this.introspector.introspect(token, 'access_token', false);
      if (!answer.active) throw new InvalidTokenError('inactive at introspection (feed stale)');
    }
    return this.unlessRevoked(verified);
  }

  private unlessRevoked({ principal, subject }: VerifiedJwt): Principal {
    if (this.revoked.isRevoked(subject)) throw new InvalidTokenError('revoked');
    return principal;
  }

  private async opaque(credential: string, hint: string): Promise<Principal> {
    // While the feed is stale the cache could hide a deletion: ask the issuer every time.
    const answer = await this.introspector.introspect(credential, hint, !this.feedStale());
    if (!answer.active) throw new InvalidTokenError('inactive at introspection');
    const principal = principalFromIntrospection(answer, this.options.audience);
    const c = answer;
    const apiKey = principal.kind === 'api_key' ? principal.subject : undefined;
    const subject = { jti: str(c.jti), sid: str(c.sid), sub: apiKey ? undefined : str(c.sub), iat: num(c.iat) };
    if (this.revoked.isRevoked({ ...subject, apiKey, owner: str(c.owner_id) })) throw new InvalidTokenError('revoked');
    return principal;
  }
}

/** RFC 6750 §2.1 `Bearer <token>`, scheme case-insensitive; cheap on the hot path (no regex). */
function parseBearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const scheme = header.slice(0, 7);
  if (scheme !== 'Bearer ' && scheme.toLowerCase() !== 'bearer ') {
    throw new InvalidTokenError('malformed Authorization header');
  }
  const token = header.slice(7).trim();
  if (token.length === 0 || token.includes(' ')) throw new InvalidTokenError('malformed Authorization header');
  return token;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
