import helmet, { HelmetOptions } from 'helmet';

/**
 * helmet's choices for an API: HSTS for a year (over TLS only), nosniff, no referrer, frame
 * denial, same-origin resource policy. Off: the CSP (set per path below:
 * helmet's own would merge in its defaults) and the headers that only
 * protect HTML documents in old or specific browsers (the OWASP REST
 * Security cheat sheet lists what an API needs: HSTS, nosniff, CSP, frame
 * denial, no-store).
 */
const HELMET_OPTIONS_TLS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: false,
  hsts: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
  frameguard: { action: 'deny' },
  hidePoweredBy: true,
  xDnsPrefetchControl: false,
  ieNoOpen: false,
  permittedCrossDomainPolicies: false,
  xXssProtection: false,
  originAgentCluster: false,
  crossOriginOpenerPolicy: false,
};
/** Over plain HTTP, HSTS would be ignored by browsers and is not sent (API.md). */
const HELMET_OPTIONS_PLAIN: Readonly<HelmetOptions> = { ...HELMET_OPTIONS_TLS, hsts: false };

/**
 * The headers helmet sets under the options above. With the CSP off they do not
 * depend on the request, so helmet's middleware runs once, at start-up,
 * against a recorder, instead of twice per request through a plugin's hooks.
 */
function helmetHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  let failure: unknown;
  helmet(options)(
    {} as never,
    {
      setHeader: (name: string, value: string) => {
        headers[name.toLowerCase()] = value;
      },
      removeHeader: () => undefined,
    } as never,
    (err?: unknown) => {
      failure = err;
    },
  );
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('helmet refused its options');
  return Object.freeze(headers);
}

/** What the API answers may load: nothing. They are JSON; no browser should run or frame anything in them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * What swagger-ui at /docs needs, and no more: its bundle, init script and
 * stylesheet from 'self' (no inline script, no eval), inline styles (its
 * page has a <style> block and it sets style attributes at runtime), data:
 * images (its SVG icons), and XHR to 'self' and the issuer for "Try it out".
 */
function docsCsp(issuer: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${new URL(issuer).origin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const isDocs = (path: string): boolean => path === '/docs' || path.startsWith('/docs/');

/**
 * The security headers of every response, in one place whoever serves the
 * request (through ResponsePolicy: the Fastify hook and the protocol edge):
 * helmet's set plus the CSP of the path. Fastify sends no X-Powered-By or
 * Server banner. Each result is a frozen object built once.
 */
export class SecurityHeaders {
  private readonly api: Readonly<Record<string, string>>;
  private readonly docs: Readonly<Record<string, string>>;

  /** `overTls`: HSTS only when the service speaks HTTPS (API.md: over plain HTTP no response carries it). */
  constructor(issuer: string, overTls = false) {
    const base = helmetHeaders(overTls ? HELMET_OPTIONS_TLS : HELMET_OPTIONS_PLAIN);
    this.api = Object.freeze({ ...base, 'content-security-policy': API_CSP });
    this.docs = Object.freeze({ ...base, 'content-security-policy': docsCsp(issuer) });
  }

  /** `path` without its query string. */
  forPath(path: string): Readonly<Record<string, string>> {
    return isDocs(path) ? this.docs : this.api;
  }
}
