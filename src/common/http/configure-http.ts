import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { renderError } from './error-renderer';
import { parseFormBody } from './form-body';
import { acceptRequestId, RequestContext } from './request-context';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** The request-id option for the Fastify constructor: validated incoming id or a fresh one. */
export function fastifyRequestIdOptions(): { genReqId: (req: { headers: Record<string, unknown> }) => string; requestIdHeader: false } {
  return { genReqId: (req) => acceptRequestId(req.headers['x-request-id']), requestIdHeader: false };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown, logger: Logger): FastifyReply {
  const rendered = renderError(request.url, request.id, err);
  if (rendered.unexpected) {
    logger.error({ err, requestId: request.id, route: request.routeOptions?.url }, 'unhandled error');
  }
  return reply.code(rendered.status).headers(rendered.headers).type(rendered.contentType).send(rendered.body);
}

function bodyExpected(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Wires the cross-cutting HTTP rules onto Fastify, before Nest's router:
 * request id and request context, strict body parsers, the per-route-group
 * content type (forms on /oauth, JSON on /v1), and one error renderer for
 * errors raised before Nest sees the request.
 */
export function configureHttp(fastify: FastifyInstance, config: AppConfig, logger: Logger): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'string', bodyLimit: config.bodyLimitBytes }, fastify.getDefaultJsonParser('error', 'error'));
  fastify.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: config.bodyLimitBytes }, (_req, body, done) => {
    try {
      done(null, parseFormBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  fastify.addHook('onRequest', (request, reply, done) => {
    const meta = {
      requestId: request.id,
      ip: request.ip ?? null,
      userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'].slice(0, 512) : null,
    };
    reply.header('x-request-id', request.id);
    if (bodyExpected(request)) {
      const type = mediaType(request);
      const wanted = request.url.startsWith('/oauth/') ? FORM : request.url.startsWith('/v1/') ? JSON_TYPE : undefined;
      if (wanted !== undefined && type !== wanted) {
        sendError(request, reply, { statusCode: 415 }, logger);
        return;
      }
    }
    RequestContext.run(meta, done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    logger.info(
      { requestId: request.id, method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });

  // Errors raised before Nest's router (body parsing) and unknown routes reach
  // Nest's own Fastify error and not-found handlers, which run the global
  // AllExceptionsFilter: one renderer for every error.
}
