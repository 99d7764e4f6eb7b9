import { ConfigurationError } from '../errors';
import { callIssuer, readJson } from './http';
import { SingleFlight } from './single-flight';
import { FetchLike, RetryOptions } from './types';

/** The RFC 8414 fields the kit uses. */
export interface ServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  grant_types_supported?: string[];
}

/** Fetches the discovery document once (single flight); a failure is retried on the next call. */
export class Discovery {
  private metadata?: ServerMetadata;
  private readonly flight = new SingleFlight<ServerMetadata>();

  constructor(
    private readonly issuer: string,
    private readonly fetchImpl: FetchLike,
    private readonly retry?: RetryOptions,
  ) {
    if (!/^https?:\/\//.test(issuer)) throw new ConfigurationError('issuer must be an http(s) URL');
  }

  async get(): Promise<ServerMetadata> {
    return this.metadata ?? this.flight.run('discovery', () => this.load());
  }

  /** The feed endpoints are not in RFC 8414; the contract puts them next to the token endpoint. */
  async endpoint(path: string): Promise<string> {
    const meta = await this.get();
    return new URL(path, meta.token_endpoint).toString();
  }

  private async load(): Promise<ServerMetadata> {
    const url = `${this.issuer.replace(/\/$/, '')}/.well-known/oauth-authorization-server`;
    const init = { headers: { accept: 'application/json' } };
    const res = await callIssuer({ url, init, fetch: this.fetchImpl, retry: this.retry });
    const body = res.ok ? await readJson(res) : undefined;
    if (!body) throw new ConfigurationError(`discovery document at ${url} answered ${res.status}`);
    // RFC 8414 §3.3: the issuer in the document must be exactly the one we were configured with.
    if (body.issuer !== this.issuer) {
      throw new ConfigurationError(`discovery issuer ${String(body.issuer)} does not match configured ${this.issuer}`);
    }
    if (typeof body.token_endpoint !== 'string' || typeof body.jwks_uri !== 'string') {
      throw new ConfigurationError('discovery document lacks token_endpoint or jwks_uri');
    }
    this.metadata = body as unknown as ServerMetadata;
    return this.metadata;
  }
}
