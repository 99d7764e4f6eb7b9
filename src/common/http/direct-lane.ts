import { createServer, IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import proxyAddr from '@fastify/proxy-addr';
import type { Logger } from 'pino';
import { renderError } from './error-renderer';
import { FORM_TYPE, mediaType, requestMeta, ResponseObservers } from './configure-http';
import { MalformedFormError, parseFormBody } from './form-body';
import { acceptRequestId, RequestContext } from './request-context';
import type { RequestView } from './request-view';
import type { SecurityHeaders } from './security-headers';

/** A request the lane serves: always a POST of a form to an exact path. */
export interface LaneRequest extends RequestView {
  body: Record<string, string>;
  readonly routeOptions: { readonly url: string };
}

/**
 * What a lane route does: resolves to the JSON body of a 200, or throws
 * what the error renderer turns into the contract's error shape.
 */
export type LaneHandler = (request: LaneRequest) => Promise<unknown>;

/** The per-request checks the Fastify pipeline runs as its preHandler (RateLimitHook). */
export interface LaneGate {
  check(request: RequestView): Promise<void>;
}

export interface DirectLaneOptions {
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** The lane steps aside entirely when CORS is configured: @fastify/cors decorates every response. */
  enabled: boolean;
  headers: SecurityHeaders;
  logger: Logger;
}

/** The subset of Fastify's constructor options that shape its HTTP/1 server (lib/server.js). */
interface FastifyServerSettings extends ServerOptions {
  http?: ServerOptions;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

const JSON_UTF8 = 'application/json; charset=utf-8';
const trustAll = (): boolean => true;
const flatten = (headers: Readonly<Record<string, string>>): string[] => Object.entries(headers).flat();

/**
 * The direct lane: a few protocol routes (POST /oauth/introspect) served
 * straight from node:http, in front of Fastify, because they are the hot
 * path of every service in the fleet and Fastify's per-request machinery
 * (routing, hook runner, reply object) costs most of their time
 * (bench/README.md). It is installed as Fastify's `serverFactory`: every
 * request the lane does not take goes to Fastify unchanged.
 *
 * It takes only the plain case: POST to an exact registered path, no query
 * string, a form body with a Content-Length within the body limit, no
 * Origin (CORS) and no Transfer-Encoding, and not while the app is closing.
 * Anything else, including every malformed request, is left to Fastify,
 * whose rules (415, 413, 503 on closing, CORS) then apply as everywhere.
 *
 * What it does run is the same code as the Fastify pipeline, not a copy:
 * request id (acceptRequestId), security headers (SecurityHeaders), the
 * strict form parser, the rate-limit gate (RateLimitHook), the request
 * context for audit rows, the one error renderer, and the response
 * observers (access log, metrics, rate-limit bookkeeping). The client IP
 * follows Fastify's rule: the socket address, or with TRUST_PROXY the
 * left-most X-Forwarded-For entry (@fastify/proxy-addr, trusting all hops).
 * test/e2e/direct-lane.e2e-spec.ts checks that both ways answer alike.
 */
export class DirectLane {
  private readonly routes = new Map<string, LaneHandler>();
  private readonly heads = new Map<string, readonly string[]>();
  private gate?: LaneGate;
  private observers?: ResponseObservers;
  private closing = false;
  private count = 0;

  constructor(private readonly options: DirectLaneOptions) {}

  /** Fastify's `serverFactory`: the HTTP/1 server Fastify would build, with the lane in front of its handler. */
  readonly serverFactory = (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void, settings: FastifyServerSettings): Server => {
    const server = createServer(settings.http ?? {}, (req, res) => {
      if (!this.take(req, res)) fastifyHandler(req, res);
    });
    // As Fastify sets them on the server it builds itself (lib/server.js, HTTP/1 branch).
    if (settings.keepAliveTimeout !== undefined) server.keepAliveTimeout = settings.keepAliveTimeout;
    if (settings.requestTimeout !== undefined) server.requestTimeout = settings.requestTimeout;
    if (settings.connectionTimeout !== undefined) server.setTimeout(settings.connectionTimeout);
    if (settings.maxRequestsPerSocket !== undefined && settings.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
    return server;
  };

  /** Wires the pieces that exist only once the application is built. Until then the lane takes nothing. */
  start(gate: LaneGate, observers: ResponseObservers): void {
    this.gate = gate;
    this.observers = observers;
  }

  /** Registers a POST route. The same handler must also be bound on Fastify, which serves what the lane leaves. */
  post(path: string, handler: LaneHandler): void {
    this.routes.set(path, handler);
  }

  /** Requests the lane has taken so far (tests and diagnostics). */
  served(): number {
    return this.count;
  }

  /** From now on every request goes to Fastify, which answers 503 while it closes. */
  close(): void {
    this.closing = true;
  }

  private take(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || this.closing || !this.options.enabled || this.observers === undefined) return false;
    const path = req.url ?? '';
    const handler = this.routes.get(path);
    if (handler === undefined) return false;
    const headers = req.headers;
    const length = headers['content-length'];
    if (length === undefined || headers['transfer-encoding'] !== undefined || headers.origin !== undefined) return false;
    const bytes = Number(length);
    if (!Number.isSafeInteger(bytes) || bytes > this.options.bodyLimitBytes || mediaType(headers) !== FORM_TYPE) return false;
    this.count += 1;
    this.receive(req, res, path, bytes, handler);
    return true;
  }

  /** Reads the body as Fastify's string parsers do (UTF-8, byte count checked against Content-Length). */
  private receive(req: IncomingMessage, res: ServerResponse, path: string, bytes: number, handler: LaneHandler): void {
    const started = performance.now();
    let body = '';
    let received = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      received += Buffer.byteLength(chunk);
      body += chunk;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const request: LaneRequest = {
        id: acceptRequestId(req.headers['x-request-id']),
        method: 'POST',
        url: path,
        ip: this.clientIp(req),
        headers: req.headers,
        body: {},
        routeOptions: { url: path },
      };
      void RequestContext.run(requestMeta(request), () => this.serve(request, res, handler, received === bytes ? body : undefined, started));
    });
  }

  private async serve(request: LaneRequest, res: ServerResponse, handler: LaneHandler, body: string | undefined, started: number): Promise<void> {
    let status = 200;
    let error: unknown;
    let payload: string;
    let head: string[];
    try {
      if (body === undefined) throw new MalformedFormError('body length differs from Content-Length');
      request.body = parseFormBody(body);
      await this.gate!.check(request);
      payload = JSON.stringify(await handler(request));
      head = [...this.successHead(request.url)];
    } catch (err) {
      error = err;
      const rendered = renderError(request.url, request.id, err);
      if (rendered.unexpected) this.options.logger.error({ err, requestId: request.id, route: request.url }, 'unhandled error');
      status = rendered.status;
      payload = JSON.stringify(rendered.body);
      head = flatten({ ...this.options.headers.forPath(request.url), 'cache-control': 'no-store', ...rendered.headers, 'content-type': rendered.contentType });
    }
    head.push('x-request-id', request.id, 'content-length', String(Buffer.byteLength(payload)));
    if (res.destroyed) return;
    // A flat [name, value, ...] array: node:http writes it markedly faster than an object (bench/README.md).
    res.writeHead(status, head);
    res.end(payload);
    this.observers!.finished(request, { statusCode: status, elapsedTime: performance.now() - started }, error);
  }

  /** The headers of a 200 on `path`, built once per path. */
  private successHead(path: string): readonly string[] {
    let head = this.heads.get(path);
    if (head === undefined) {
      head = flatten({ ...this.options.headers.forPath(path), 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': JSON_UTF8 });
      this.heads.set(path, head);
    }
    return head;
  }

  private clientIp(req: IncomingMessage): string {
    if (!this.options.trustProxy) return req.socket.remoteAddress ?? '';
    const all = proxyAddr.all(req, trustAll);
    return all[all.length - 1] ?? '';
  }
}
