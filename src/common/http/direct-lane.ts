import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ServerOptions as HttpsOptions } from 'node:https';
import proxyAddr from '@fastify/proxy-addr';
import { createLimitedServer, ServerLimits } from './http-server';
import { acceptRequestId } from './request-context';

/** What the lane learned of a request before handing it over. */
export interface LaneMeta {
  readonly id: string;
  readonly ip: string;
}

/** The pipeline the lane feeds (the protocol edge): it matches routes and serves them. */
export interface LaneTarget<R> {
  match(method: string, path: string): R | undefined;
  serve(req: IncomingMessage, res: ServerResponse, route: R, meta: LaneMeta): void;
}

export interface DirectLaneOptions {
  trustProxy: boolean;
  limits: ServerLimits;
  /**
   * Which matched requests the lane takes (default: all). For tests only: the
   * adapter-parity property sends the same request both ways through it.
   */
  takes?: (req: IncomingMessage) => boolean;
  /** HTTPS: the TLS options of the one server, and who watches its certificate files (reload on change). */
  tls?: { options: HttpsOptions; onServer(server: Server): void };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const trustAll = (): boolean => true;

/**
 * The node:http adapter of the protocol edge, installed as Fastify's
 * `serverFactory`: it builds the one HTTP server (with the contract's
 * timeouts and per-IP cap, http-server.ts) and hands every request for a
 * route of its target straight to it, skipping Fastify's per-request
 * machinery (the hot path of the fleet, bench/README.md). Everything else,
 * and everything while the app closes (Fastify answers 503), goes to Fastify.
 *
 * It decides nothing about a request: content type, body limits, CORS,
 * errors and headers are the target's, which the Fastify adapter calls too.
 * It only supplies what Fastify would: the request id and the client IP
 * (the socket address, or with TRUST_PROXY the left-most X-Forwarded-For
 * entry, as @fastify/proxy-addr trusting all hops gives Fastify).
 */
export class DirectLane<R> {
  private target?: LaneTarget<R>;
  private closing = false;
  private count = 0;

  constructor(private readonly options: DirectLaneOptions) {}

  /** Fastify's `serverFactory`. Fastify's own server settings are replaced by the contract's limits. */
  readonly serverFactory = (fastifyHandler: Handler): Server => {
    const tls = this.options.tls;
    const server = createLimitedServer(
      this.options.limits,
      (req, res) => {
        if (!this.take(req, res)) fastifyHandler(req, res);
      },
      tls?.options,
    );
    tls?.onServer(server);
    return server;
  };

  /** Until started (the application is built) the lane takes nothing. */
  start(target: LaneTarget<R>): void {
    this.target = target;
  }

  /** Requests the lane has taken so far (tests and diagnostics). */
  served(): number {
    return this.count;
  }

  close(): void {
    this.closing = true;
  }

  private take(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.target === undefined || this.closing) return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const route = this.target.match(req.method ?? '', query === -1 ? url : url.slice(0, query));
    if (route === undefined || (this.options.takes !== undefined && !this.options.takes(req))) return false;
    this.count += 1;
    this.target.serve(req, res, route, { id: acceptRequestId(req.headers['x-request-id']), ip: this.clientIp(req) });
    return true;
  }

  private clientIp(req: IncomingMessage): string {
    if (!this.options.trustProxy) return req.socket.remoteAddress ?? '';
    const all = proxyAddr.all(req, trustAll);
    return all[all.length - 1] ?? '';
  }
}
