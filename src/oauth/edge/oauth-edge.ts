import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { BodyReadError, readBody } from '../../common/http/body-reader';
import { FORM_TYPE, mediaType, requestMeta, ResponseObservers } from '../../common/http/configure-http';
import type { LaneMeta, LaneTarget } from '../../common/http/direct-lane';
import { parseFormBody } from '../../common/http/form-body';
import { RequestContext } from '../../common/http/request-context';
import type { RequestView } from '../../common/http/request-view';
import type { CallerAuthenticator } from './caller-authenticator';
import type { ActionResult, EdgeRequest, OAuthAction } from './edge.types';
import { EdgeResponder } from './edge-responder';
import type { OAuthRoute } from './route-table';

/** The rate-limit check (RateLimitHook): resolves to let the request through, rejects with the refusal. */
export interface EdgeGate {
  check(request: RequestView): Promise<void>;
}

/** A table entry with its action: what both adapters serve. */
export interface BoundRoute {
  readonly route: OAuthRoute;
  readonly action: OAuthAction;
}

export interface OAuthEdgeParts {
  routes: readonly OAuthRoute[];
  actions: readonly OAuthAction[];
  authenticator: CallerAuthenticator;
  gate: EdgeGate;
  observers: ResponseObservers;
  responder: EdgeResponder;
  bodyLimitBytes: number;
  logger: Logger;
}

/** A POST announces a body by Content-Length > 0 or Transfer-Encoding (RFC 9112 §6.3). */
function bodyExpected(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The protocol edge (DESIGN decision 11): every `/oauth/*` endpoint is an
 * action on this one pipeline, and both adapters (the node:http lane and the
 * Fastify binding) hand it the raw request and response:
 *
 *   request id and context -> content type (415) -> body (413/400) -> strict
 *   form parser (400) -> rate-limit check (429) -> the action's own checks ->
 *   the authentication chain (401) -> the action -> one responder (response
 *   policy, error renderer) -> observers (access log, metrics, rate-limit
 *   bookkeeping).
 *
 * So each rule exists once, whichever adapter took the request.
 */
export class OAuthEdge implements LaneTarget<BoundRoute> {
  private readonly byKey = new Map<string, BoundRoute>();

  constructor(private readonly parts: OAuthEdgeParts) {
    const actions = new Map(parts.actions.map((a) => [a.path, a]));
    for (const route of parts.routes) {
      const action = actions.get(route.path);
      if (action === undefined) throw new Error(`no action for ${route.method} ${route.path}`);
      this.byKey.set(`${route.method} ${route.path}`, { route, action });
    }
  }

  /** Every bound route, in table order (the Fastify binding and the route walker read this). */
  get routes(): BoundRoute[] {
    return [...this.byKey.values()];
  }

  match(method: string, path: string): BoundRoute | undefined {
    return this.byKey.get(`${method} ${path}`);
  }

  serve(req: IncomingMessage, res: ServerResponse, bound: BoundRoute, meta: LaneMeta): void {
    const started = performance.now();
    const path = bound.route.path;
    const request: EdgeRequest = {
      id: meta.id,
      method: bound.route.method,
      url: path,
      ip: meta.ip,
      headers: req.headers,
      body: {},
      query: {},
      routeOptions: { url: path },
      // Both adapters hand over the raw request, so the certificate comes from the same place on either.
      socket: req.socket,
    };
    void RequestContext.run(requestMeta(request), async () => {
      let result: ActionResult | undefined;
      let error: unknown;
      try {
        result = await this.run(req, request, bound);
      } catch (err) {
        error = err;
        bound.action.failed?.(err);
      }
      const status = this.parts.responder.send(res, request, result, error);
      this.parts.observers.finished(request, { statusCode: status, elapsedTime: performance.now() - started }, error);
    });
  }

  private async run(req: IncomingMessage, request: EdgeRequest, bound: BoundRoute): Promise<ActionResult> {
    if (bound.route.method === 'GET') {
      const url = req.url ?? '';
      const mark = url.indexOf('?');
      // The same strict rules as a form body: malformed or repeated parameters are 400.
      if (mark !== -1) request.query = parseFormBody(url.slice(mark + 1));
    } else if (bound.route.method === 'POST' && bodyExpected(req)) {
      if (mediaType(req.headers) !== FORM_TYPE) throw new BodyReadError(415, 'not a form');
      request.body = parseFormBody(await readBody(req, this.parts.bodyLimitBytes));
    }
    await this.parts.gate.check(request);
    bound.action.validate?.(request);
    const caller = await this.parts.authenticator.authenticate(bound.route, request);
    return bound.action.handle(request, caller);
  }
}
