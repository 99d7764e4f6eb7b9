import type { FastifyInstance } from 'fastify';
import type { SelfServedConfig } from '../../common/http/configure-http';
import type { OAuthEdge } from './oauth-edge';

/**
 * The Fastify adapter of the protocol edge: binds every route of the table on
 * Fastify, for the requests the node:http lane leaves (none in production,
 * where the lane takes every edge route; tests force some through here). The
 * handler takes over the raw request and response (`hijack`) and runs the
 * edge's pipeline on them, so Fastify contributes only its routing, request
 * id and client IP: content type, body limit, form parsing, rate limits,
 * authentication, headers and errors are the edge's, as on the lane.
 *
 * In an encapsulated scope whose only content-type parser hands the body
 * stream over unread (the edge reads it), whatever the content type.
 */
export async function bindEdgeOnFastify(fastify: FastifyInstance, edge: OAuthEdge): Promise<void> {
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    for (const bound of edge.routes) {
      const config: SelfServedConfig = { selfServed: true };
      scope.route({
        method: bound.route.method,
        url: bound.route.path,
        config,
        handler: (request, reply) => {
          reply.hijack();
          edge.serve(request.raw, reply.raw, bound, { id: request.id, ip: request.ip });
        },
      });
    }
  });
}
