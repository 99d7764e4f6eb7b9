import type { Socket } from 'node:net';
import type { ClientRecord } from '../../clients/client.types';
import type { Principal } from '../../common/auth/principal';
import type { RequestView } from '../../common/http/request-view';

/** A request on the edge: whichever adapter received it, the same shape (a RequestView for the shared rules). */
export interface EdgeRequest extends RequestView {
  /** The strictly parsed form body (empty for a GET). */
  body: Record<string, string>;
  /** A GET's query string, parsed as strictly as a form (empty for a POST: its parameters are in the body). */
  query: Record<string, string>;
  /** The route's path, what rate-limit groups and metrics key on. */
  readonly routeOptions: { readonly url: string };
  /** The connection it came on: its TLS client certificate (or a trusted proxy's forwarded one) is read from here. */
  readonly socket?: Socket;
}

/**
 * Who may call a route, i.e. which link of the one authentication chain runs:
 * - `client`: an OAuth client (client_secret_basic / client_secret_post, its
 *   certificate with its `client_id` (RFC 8705), or a public client's bare
 *   `client_id`): the token endpoint;
 * - `caller`: a caller proving itself (X-API-Key, Bearer access token, or a
 *   confidential client's secret); a bare client_id is no proof: introspection;
 * - `caller_or_public_client`: as `caller`, and a public client by client_id,
 *   which may then act only on its own tokens (RFC 7009 §2.1): revocation;
 * - `none`: no authentication (public feeds).
 */
export type CallerPolicy = 'client' | 'caller' | 'caller_or_public_client' | 'none';

/** What the chain established. */
export type Caller =
  | { readonly kind: 'client'; readonly client: ClientRecord; readonly certificateThumbprint?: string }
  | { readonly kind: 'principal'; readonly principal: Principal; readonly publicClient: boolean }
  | { readonly kind: 'none' };

/** Where a streaming action writes (server-sent events): the raw response, after the head is sent. */
export interface StreamSink {
  write(chunk: string): boolean;
  end(): void;
  /** Bytes written but not yet sent: a reader that falls this far behind can be cut off. */
  readonly buffered: number;
  /** Called once when the client goes away or the stream ends. */
  onClose(listener: () => void): void;
  readonly closed: boolean;
}

/**
 * What an action answers: a JSON body (200 unless `status`), an empty body, or
 * a stream whose head (status 200, `contentType`, the response policy's
 * headers) the edge sends before handing the sink to `write`.
 */
export type ActionResult =
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number }
  | { readonly kind: 'empty'; readonly status?: number }
  | {
      readonly kind: 'stream';
      readonly contentType: string;
      readonly headers?: Readonly<Record<string, string>>;
      write(sink: StreamSink): void | Promise<void>;
    };

/** One `/oauth/*` endpoint: its table entry says how it is reached and documented; the action does the work. */
export interface OAuthAction {
  readonly path: string;
  /** Checks of the form that come before authentication (RFC 6749 §5.2 order: request, then client). */
  validate?(request: EdgeRequest): void;
  handle(request: EdgeRequest, caller: Caller): Promise<ActionResult>;
  /** Sees every error of the route, authentication included (metrics); must not throw. */
  failed?(error: unknown): void;
}

export const OAUTH_ACTIONS = Symbol('OAUTH_ACTIONS');
