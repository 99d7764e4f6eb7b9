import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../auth/principal';

/**
 * What the cross-cutting rules (rate limits, metrics, audit context, access
 * log) read of a request. A FastifyRequest is one; so is a request served by
 * the direct lane (direct-lane.ts), which is why the rules take this and not
 * Fastify's type: one rule, whichever way the request came in.
 */
export interface RequestView {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly ip: string;
  readonly headers: IncomingHttpHeaders;
  readonly body?: unknown;
  /** The matched route pattern (`/v1/users/:id`) in `url`; absent when nothing matched. */
  readonly routeOptions?: { readonly url?: string };
  /** Set by the AuthGuard on /v1. */
  principal?: Principal;
}

/** What the response observers read of a finished response. */
export interface ReplyView {
  readonly statusCode: number;
  /** Milliseconds from the request's arrival to the response. */
  readonly elapsedTime: number;
}
