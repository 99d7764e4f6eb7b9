import { createHash } from 'node:crypto';
import { ConfigurationError } from '../errors';
import { Discovery } from './discovery';
import { basicAuth, callIssuer, readJson } from './http';
import { Clock, ClientCredentials, FetchLike, RetryOptions } from './types';

export interface IntrospectionOptions {
  credentials: ClientCredentials;
  /** Most entries kept (default 10 000); the oldest is evicted first. */
  maxEntries?: number;
  /** Upper bound on how long an answer is reused (default and maximum 30 000 ms). */
  ttlMs?: number;
  /** How long an `active: false` answer is reused (default 5000 ms). */
  negativeTtlMs?: number;
  retry?: RetryOptions;
}

/** RFC 7662 answer; only the fields the kit reads are typed. */
export type IntrospectionResult = Record<string, unknown> & { active: boolean; exp?: number };

interface Cached {
  result: IntrospectionResult;
  until: number;
}

/**
 * `POST /oauth/introspect` with a bounded cache. The key is a hash over issuer, endpoint and
 * credential, so the cache never holds a credential and two issuers never share an answer.
 * An answer lives at most 30 s and never past the credential's own `exp`.
 */
export class Introspector {
  private readonly cache = new Map<string, Cached>();
  /** Calls that reached the auth service; observable by tests and metrics. */
  calls = 0;

  constructor(
    private readonly issuer: string,
    private readonly discovery: Discovery,
    private readonly fetchImpl: FetchLike,
    private readonly now: Clock,
    private readonly options: IntrospectionOptions,
  ) {}

  async introspect(token: string, hint?: string, useCache = true): Promise<IntrospectionResult> {
    const endpoint = (await this.discovery.get()).introspection_endpoint;
    if (!endpoint) return { active: false };
    const key = createHash('sha256').update(`${this.issuer}\n${endpoint}\n${token}`).digest('base64url');
    const hit = this.cache.get(key);
    if (useCache && hit && hit.until > this.now()) return hit.result;
    const result = await this.call(endpoint, token, hint);
    this.remember(key, result);
    return result;
  }

  size(): number {
    return this.cache.size;
  }

  private async call(url: string, token: string, hint?: string): Promise<IntrospectionResult> {
    this.calls++;
    const form = new URLSearchParams({ token });
    if (hint) form.set('token_type_hint', hint);
    const { clientId, clientSecret } = this.options.credentials;
    const res = await callIssuer({
      url,
      init: {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(clientId, clientSecret),
        },
        body: form.toString(),
      },
      fetch: this.fetchImpl,
      retry: this.options.retry,
    });
    const body = await readJson(res);
    // A 401/403 here is our own misconfiguration (credentials, missing tokens:introspect), not the caller's.
    if (!res.ok || !body || typeof body.active !== 'boolean') {
      throw new ConfigurationError(`introspection answered ${res.status}: check the kit's client credentials`);
    }
    return body as IntrospectionResult;
  }

  private remember(key: string, result: IntrospectionResult): void {
    const now = this.now();
    const cap = Math.min(this.options.ttlMs ?? 30_000, 30_000);
    let until = now + (result.active ? cap : Math.min(cap, this.options.negativeTtlMs ?? 5000));
    if (result.active && typeof result.exp === 'number') until = Math.min(until, result.exp * 1000);
    if (until <= now) return;
    this.cache.delete(key);
    const max = this.options.maxEntries ?? 10_000;
    while (this.cache.size >= max) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    this.cache.set(key, { result, until });
  }
}
