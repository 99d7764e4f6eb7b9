import { CorsPolicy } from './cors-policy';
import { SecurityHeaders } from './security-headers';

const OAUTH_CACHING: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  pragma: 'no-cache',
});
const ADMIN_CACHING: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });
const NONE: Readonly<Record<string, string>> = Object.freeze({});

/**
 * THE no-store rule. Responses that can carry a credential (tokens, secrets
 * and keys shown once, introspection answers) are never cached by anyone:
 * every `/oauth/*` response gets `Cache-Control: no-store` and, for HTTP/1.0
 * caches, `Pragma: no-cache` (RFC 6749 §5.1); every `/v1` response gets
 * `no-store`. Error answers included: the rule does not depend on the status.
 */
export function cachingHeaders(path: string): Readonly<Record<string, string>> {
  if (path.startsWith('/oauth/')) return OAUTH_CACHING;
  if (path.startsWith('/v1/') || path === '/v1') return ADMIN_CACHING;
  return NONE;
}

/**
 * The response policy: what every response carries whoever serves it
 * (the Fastify hook for /v1 and the rest, the protocol edge for /oauth):
 * security headers, the caching rule, and CORS for cross-origin callers.
 * Results are built once per path class and frozen.
 */
export class ResponsePolicy {
  private readonly cache = new Map<object, Map<object, Readonly<Record<string, string>>>>();

  constructor(
    readonly security: SecurityHeaders,
    readonly cors: CorsPolicy,
  ) {}

  /** Security and caching headers of `path` (without its query string). */
  forPath(path: string): Readonly<Record<string, string>> {
    const security = this.security.forPath(path);
    const caching = cachingHeaders(path);
    let byCaching = this.cache.get(security);
    if (byCaching === undefined) {
      byCaching = new Map();
      this.cache.set(security, byCaching);
    }
    let headers = byCaching.get(caching);
    if (headers === undefined) {
      headers = Object.freeze({ ...security, ...caching });
      byCaching.set(caching, headers);
    }
    return headers;
  }
}
