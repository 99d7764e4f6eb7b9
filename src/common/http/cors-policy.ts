import type { FastifyCorsOptions } from '@fastify/cors';

const EXPOSED = ['x-request-id', 'retry-after', 'www-authenticate'];

/**
 * CORS, configured once from CORS_ORIGINS. @fastify/cors applies it to the
 * routes Fastify serves (and answers every preflight); the protocol edge
 * applies `actualHeaders` to the /oauth responses it writes itself. Both
 * read the options below, and actualHeaders mirrors @fastify/cors's rule for
 * an array of origins (headers.e2e-spec checks both sides answer alike).
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
    this.any = this.origins.has('*');
  }

  get enabled(): boolean {
    return this.origins.size > 0;
  }

  fastifyOptions(): FastifyCorsOptions {
    return {
      origin: [...this.origins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id'],
      exposedHeaders: EXPOSED,
      credentials: false,
      maxAge: 600,
    };
  }

  /** Headers of a non-preflight response to a request with this Origin (none when CORS is off). */
  actualHeaders(origin: string | undefined): Record<string, string> {
    if (!this.enabled) return {};
    const headers: Record<string, string> = { vary: 'Origin' };
    if (this.any) headers['access-control-allow-origin'] = '*';
    else if (origin !== undefined && this.origins.has(origin)) headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = EXPOSED.join(', ');
    return headers;
  }
}
