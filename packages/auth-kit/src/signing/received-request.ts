/** What the signature check reads from an incoming request, whatever the framework. */
export interface ReceivedRequest {
  method: string;
  /** The request target as received (`req.url`: path and query, or an absolute URL). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes exactly as received; undefined when the framework did not keep them. */
  rawBody?: Uint8Array | string;
  /** True when the request arrived over TLS (it decides the `https` scheme of `@target-uri`). */
  encrypted: boolean;
}

/** What the auth service vouched for: it becomes `principal.signature`. */
export interface VerifiedSignature {
  clientId: string;
  keyid: string;
  /** The signing client's permissions now, split on spaces. */
  scope: readonly string[];
  created: number;
  expires: number;
}

export interface SignatureOptions {
  /**
   * This service's own authority (`host[:port]`, as callers put it in their URLs). A signature over
   * a `@target-uri` for any other authority is refused: it was meant for another service.
   */
  authority: string;
  /** Scheme of `@target-uri` (default: `https` over TLS, `http` otherwise); set it behind a TLS proxy. */
  scheme?: 'http' | 'https';
  /**
   * The signing client must be the token's client (default true): a token lifted from one service
   * cannot ride on another service's signatures.
   */
  bindToClient?: boolean;
}
