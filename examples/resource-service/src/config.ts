/** The example's configuration: the only place it reads `process.env`. */
export interface ExampleConfig {
  /** AUTH_ISSUER: the auth service's issuer URL. */
  issuer: string;
  /** AUTH_CLIENT_ID / AUTH_CLIENT_SECRET: this service's confidential client (tokens:introspect, token exchange). */
  clientId: string;
  clientSecret: string;
  /** AUTH_AUDIENCE: comma-separated audiences accepted (default: the issuer's default audience and our client id). */
  audience: string[];
  /** DOWNSTREAM_URL: where the on-behalf-of call goes (default: this service itself). */
  downstreamUrl?: string;
  /** DOWNSTREAM_AUDIENCE: the audience asked for in token exchange (default: our client id). */
  downstreamAudience: string;
  /** REVOCATION_ON_STALE: `fail-closed` (default) or `introspect`. */
  onStale: 'fail-closed' | 'introspect';
  port: number;
  host: string;
  /**
   * SIGNATURE_AUTHORITY: the `host[:port]` callers sign for (default `HOST:PORT`); signed requests
   * for any other authority are refused. The client then also needs `signatures:verify`.
   */
  signatureAuthority?: string;
}

export function loadExampleConfig(env: Record<string, string | undefined> = process.env): ExampleConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const issuer = need('AUTH_ISSUER').replace(/\/+$/, '');
  const clientId = need('AUTH_CLIENT_ID');
  const onStale = env.REVOCATION_ON_STALE ?? 'fail-closed';
  if (onStale !== 'fail-closed' && onStale !== 'introspect') {
    throw new Error('REVOCATION_ON_STALE must be fail-closed or introspect');
  }
  const port = Number(env.PORT ?? '3001');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number');
  return {
    issuer,
    clientId,
    clientSecret: need('AUTH_CLIENT_SECRET'),
    audience: (env.AUTH_AUDIENCE ?? `${issuer},${clientId}`)
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    downstreamUrl: env.DOWNSTREAM_URL,
    downstreamAudience: env.DOWNSTREAM_AUDIENCE ?? clientId,
    onStale,
    port,
    host: env.HOST ?? '127.0.0.1',
    signatureAuthority: env.SIGNATURE_AUTHORITY,
  };
}
