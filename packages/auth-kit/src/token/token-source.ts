import { createHash } from 'node:crypto';
import { Discovery } from '../core/discovery';
import { basicAuth, callIssuer, readJson } from '../core/http';
import { Clock, FetchLike } from '../core/types';
import { ConfigurationError, TokenRequestError } from '../errors';
import { createTlsFetch } from './tls-fetch';
import { IssuedToken, TokenCache } from './token-cache';
import { TokenProvider, TokenSourceOptions } from './token-source-options';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Access tokens for a service: its own (`client_credentials`) and on a user's behalf
 * (RFC 8693 token exchange), cached, renewed early, one request per key in flight.
 */
export class TokenSource implements TokenProvider {
  private readonly discovery: Discovery;
  private readonly cache: TokenCache;
  private readonly fetchImpl: FetchLike;
  private readonly now: Clock;

  constructor(private readonly options: TokenSourceOptions) {
    const byCertificate = options.authMethod === 'tls_client_auth';
    if (!options.clientId || (!byCertificate && !options.clientSecret)) {
      throw new ConfigurationError('clientId and clientSecret are required');
    }
    if (byCertificate && !options.tls) throw new ConfigurationError('tls_client_auth needs the tls option');
    if (options.tls && options.fetch) throw new ConfigurationError('pass either tls or fetch, not both');
    const renewAt = options.renewAt ?? 0.8;
    if (!(renewAt > 0 && renewAt <= 1)) throw new ConfigurationError('renewAt must be in (0, 1]');
    this.fetchImpl = options.tls ? createTlsFetch(options.tls) : (options.fetch ?? fetch);
    this.now = options.now ?? Date.now;
    this.discovery = new Discovery(options.issuer, this.fetchImpl, options.retry);
    this.cache = new TokenCache(this.now, renewAt);
  }

  /** The service's own token (client_credentials), for `scope` or the configured default. */
  getToken(options: { scope?: string; forceRefresh?: boolean } = {}): Promise<string> {
    const scope = options.scope ?? this.options.scope;
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (scope) form.scope = scope;
    return this.cache.get(`cc\n${scope ?? ''}`, () => this.request(form), options.forceRefresh);
  }

  /**
   * A token for `audience` on behalf of the subject token's user. Cached per
   * (subject, audience, scope), never past the exchanged token's own expiry.
   */
  exchange(subjectToken: string, audience: string, scope?: string, forceRefresh = false): Promise<string> {
    if (!subjectToken || !audience) {
      return Promise.reject(new ConfigurationError('exchange needs a subject token and an audience'));
    }
    const form: Record<string, string> = {
      grant_type: TOKEN_EXCHANGE,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience,
    };
    if (scope) form.scope = scope;
    // The key holds a hash, not the token, so a heap dump of the cache keys shows no credential.
    const subject = createHash('sha256').update(subjectToken).digest('base64url');
    return this.cache.get(`x\n${subject}\n${audience}\n${scope ?? ''}`, () => this.request(form), forceRefresh);
  }

  /** A provider of exchanged tokens, for `createServiceFetch` on a user's behalf. */
  onBehalfOf(subjectToken: string, audience: string, scope?: string): TokenProvider {
    return { getToken: (o) => this.exchange(subjectToken, audience, scope, o?.forceRefresh ?? false) };
  }

  private async request(form: Record<string, string>): Promise<IssuedToken> {
    const { token_endpoint: url } = await this.discovery.get();
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const body = new URLSearchParams(form);
    const secret = this.options.clientSecret ?? '';
    if (this.options.authMethod === 'tls_client_auth') {
      body.set('client_id', this.options.clientId);
    } else if (this.options.authMethod === 'client_secret_post') {
      body.set('client_id', this.options.clientId);
      body.set('client_secret', secret);
    } else {
      headers.authorization = basicAuth(this.options.clientId, secret);
    }
    const startedAt = this.now();
    const res = await callIssuer({
      url,
      init: { method: 'POST', headers, body: body.toString() },
      fetch: this.fetchImpl,
      retry: this.options.retry,
      timeoutMs: this.options.timeoutMs,
    });
    const json = await readJson(res);
    if (!res.ok || !json || typeof json.access_token !== 'string') {
      const error = typeof json?.error === 'string' ? json.error : 'invalid_response';
      const description = typeof json?.error_description === 'string' ? json.error_description : undefined;
      throw new TokenRequestError(res.status, error, description);
    }
    const expiresIn = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    // Measured from before the request: the token's clock started no later than that.
    return { token: json.access_token, issuedAt: startedAt, expiresAt: startedAt + expiresIn * 1000 };
  }
}
