import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { renderError } from './error-renderer';
import { handleClientError, renderFrameworkError } from './framework-errors';
import { parseFormBody } from './form-body';
import { jsonDocumentProblem, MalformedJsonError } from './json-body';
import { acceptRequestId, RequestContext, RequestMeta } from './request-context';
import type { ReplyView, RequestView } from './request-view';
import { cachingHeaders, ResponsePolicy } from './response-policy';

export const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** The request-id option for the Fastify constructor: validated incoming id or a fresh one. */
export function fastifyRequestIdOptions(): {
  genReqId: (req: { headers: Record<string, unknown> }) => string;
  requestIdHeader: false;
} {
  return { genReqId: (req) => acceptRequestId(req.headers['x-request-id']), requestIdHeader: false };
}

/**
 * The options this layer owns on the Fastify constructor: request ids, and
 * the rendering of errors Fastify answers before any hook (framework-errors.ts).
 */
export function fastifyServerOptions(): ReturnType<typeof fastifyRequestIdOptions> & {
  frameworkErrors: typeof renderFrameworkError;
  clientErrorHandler: typeof handleClientError;
} {
  return { ...fastifyRequestIdOptions(), frameworkErrors: renderFrameworkError, clientErrorHandler: handleClientError };
}

/**
 * Something that looks at every finished response (metrics, rate-limit
 * bookkeeping, deferred audit). It runs after the response has been sent,
 * so it never delays or changes an answer; it must not throw.
 */
export interface ResponseObserver {
  /** `error` is what the error renderer turned into this response, if anything. */
  onResponse(request: RequestView, reply: ReplyView, error: unknown): void;
}

/**
 * What happens after every response, whichever way it was served (Fastify's
 * onResponse hook, the direct lane): the access log line, then each observer.
 */
export class ResponseObservers {
  constructor(
    private readonly logger: Logger,
    private readonly observers: readonly ResponseObserver[],
  ) {}

  finished(request: RequestView, reply: ReplyView, error: unknown): void {
    // Checked first: the access-log object would otherwise be built on every request of the hot path.
    if (this.logger.isLevelEnabled('info')) {
      this.logger.info(
        {
          requestId: request.id,
          method: request.method,
          path: request.url.split('?')[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    for (const observer of this.observers) {
      try {
        observer.onResponse(request, reply, error);
      } catch (err) {
        this.logger.error({ err, requestId: request.id }, 'response observer failed');
      }
    }
  }
}

/** The error each failed request was answered with, for the observers (weak: dies with the request). */
const renderedErrors = new WeakMap<FastifyRequest, unknown>();

/** Request id, client IP and user agent: what audit rows and log lines of a request carry. */
export function requestMeta(request: RequestView): RequestMeta {
  return {
    requestId: request.id,
    ip: request.ip ?? null,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'].slice(0, 512) : null,
  };
}

/**
 * Route config flag of routes whose handler writes the whole response itself
 * through its own pipeline (the protocol edge): the hooks below leave them
 * alone, so no rule runs twice or differently from the edge's own.
 */
export interface SelfServedConfig {
  selfServed?: boolean;
}

export function isSelfServed(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as SelfServedConfig | undefined)?.selfServed === true;
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown, logger: Logger): FastifyReply {
  renderedErrors.set(request, err);
  const rendered = renderError(request.url, request.id, err);
  if (rendered.unexpected) {
    logger.error({ err, requestId: request.id, route: request.routeOptions?.url }, 'unhandled error');
  }
  // Set here too: some errors (a bad URL on the 404 router) are rendered without the onRequest hook.
  const headers = { ...cachingHeaders(request.url.split('?', 1)[0]), 'x-request-id': request.id, ...rendered.headers };
  return reply.code(rendered.status).headers(headers).type(rendered.contentType).send(rendered.body);
}

function bodyExpected(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The media type of Content-Type, without parameters, lower-cased ('' when absent). */
export function mediaType(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Wires the cross-cutting HTTP rules onto Fastify, before Nest's router:
 * request id and request context, the response policy (security headers,
 * caching), strict body parsers, the per-route-group
 * content type (forms on /oauth, JSON on /v1), and one error renderer for
 * errors raised before Nest sees the request.
 */
export function configureHttp(
  fastify: FastifyInstance,
  config: AppConfig,
  logger: Logger,
  policy: ResponsePolicy,
  observers: ResponseObservers = new ResponseObservers(logger, []),
): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    JSON_TYPE,
    { parseAs: 'string', bodyLimit: config.bodyLimitBytes },
    (request, body, done) => {
      parseJson(request, body as string, (err, value: unknown) => {
        if (err) return done(err, undefined);
        // Too deep, or ill-formed Unicode: malformed input (400), not a 500 deep in a validator.
        const problem = jsonDocumentProblem(value);
        if (problem) return done(new MalformedJsonError(problem), undefined);
        done(null, value);
      });
    },
  );
  fastify.addContentTypeParser(
    FORM_TYPE,
    { parseAs: 'string', bodyLimit: config.bodyLimitBytes },
    (_req, body, done) => {
      try {
        done(null, parseFormBody(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );

  fastify.addHook('onRequest', (request, reply, done) => {
    if (isSelfServed(request)) return done();
    const meta = requestMeta(request);
    reply.headers(policy.forPath(request.url.split('?', 1)[0]));
    reply.header('x-request-id', request.id);
    if (bodyExpected(request)) {
      const type = mediaType(request.headers);
      const wanted = request.url.startsWith('/oauth/')
        ? FORM_TYPE
        : request.url.startsWith('/v1/')
          ? JSON_TYPE
          : undefined;
      if (wanted !== undefined && type !== wanted) {
        sendError(request, reply, { statusCode: 415 }, logger);
        return;
      }
    }
    RequestContext.run(meta, done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    if (isSelfServed(request)) return done();
    observers.finished(request, reply, renderedErrors.get(request));
    done();
  });

  // Errors raised before Nest's router (body parsing) and unknown routes reach
  // Nest's own Fastify error and not-found handlers, which run the global
  // AllExceptionsFilter: one renderer for every error.
}
