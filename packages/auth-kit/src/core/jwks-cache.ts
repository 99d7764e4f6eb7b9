import { InvalidTokenError } from '../errors';
import { Discovery } from './discovery';
import { callIssuer, readJson } from './http';
import { JoseHeader, JoseJwk, JoseKey, loadJose } from './jose';
import { SingleFlight } from './single-flight';
import { Clock, FetchLike, RetryOptions } from './types';

interface KeyEntry {
  alg?: string;
  key: JoseKey;
}

/**
 * The issuer's public keys by `kid`. An unknown `kid` triggers one refetch (a key rotated in
 * since the last fetch), but at most once per `cooldownMs`: a stream of tokens with made-up
 * kids must not turn into a stream of JWKS requests.
 */
export class JwksCache {
  private keys = new Map<string, KeyEntry>();
  private lastFetch = Number.NEGATIVE_INFINITY;
  private readonly flight = new SingleFlight<void>();
  /** Observable by tests and metrics. */
  fetchCount = 0;

  constructor(
    private readonly discovery: Discovery,
    private readonly fetchImpl: FetchLike,
    private readonly now: Clock,
    private readonly cooldownMs: number,
    private readonly retry?: RetryOptions,
  ) {}

  async keyFor(header: JoseHeader): Promise<JoseKey> {
    const kid = header.kid;
    if (typeof kid !== 'string') throw new InvalidTokenError('token header has no kid');
    let entry = this.keys.get(kid);
    if (!entry && this.now() - this.lastFetch >= this.cooldownMs) {
      await this.refresh();
      entry = this.keys.get(kid);
    }
    if (!entry) throw new InvalidTokenError('unknown signing key');
    if (entry.alg && entry.alg !== header.alg) throw new InvalidTokenError('algorithm does not match the key');
    return entry.key;
  }

  refresh(): Promise<void> {
    return this.flight.run('jwks', () => this.load());
  }

  private async load(): Promise<void> {
    this.lastFetch = this.now();
    this.fetchCount++;
    const { jwks_uri: url } = await this.discovery.get();
    const init = { headers: { accept: 'application/json' } };
    const res = await callIssuer({ url, init, fetch: this.fetchImpl, retry: this.retry });
    const body = res.ok ? await readJson(res) : undefined;
    if (!body || !Array.isArray(body.keys)) throw new InvalidTokenError(`JWKS answered ${res.status}`);
    const jose = await loadJose();
    const next = new Map<string, KeyEntry>();
    for (const jwk of body.keys as JoseJwk[]) {
      // Only signing keys with a kid: an encryption key or a kid-less key cannot be selected safely.
      if (typeof jwk.kid !== 'string' || (jwk.use && jwk.use !== 'sig') || !jwk.alg) continue;
      try {
        next.set(jwk.kid, { alg: jwk.alg, key: await jose.importJWK(jwk, jwk.alg) });
      } catch {
        // One malformed key must not hide the others.
      }
    }
    this.keys = next;
  }
}
