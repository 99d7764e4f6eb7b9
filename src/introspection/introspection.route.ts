import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../common/http/configure-http';
import type { LaneRequest } from '../common/http/direct-lane';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { IntrospectionService } from './introspection.service';
import { IntrospectionResponse } from './introspection.types';

export const INTROSPECTION_PATH = '/oauth/introspect';

/**
 * POST /oauth/introspect bound straight on Fastify instead of a Nest
 * controller: this route is the fleet's hot path, and Nest's per-request
 * pipeline (guard, pipes, interceptor and filter zones) cost a measured
 * share of its throughput (bench/README.md). Everything else stays the
 * same: the global hooks (request id, content type, security headers,
 * request log) run, the service does the work, and errors leave through
 * the one renderer. The protocol authenticates the caller itself, so there
 * is no guard to skip. Documented in OpenAPI by IntrospectionDocs.
 *
 * The plain requests (most of them) are served by the direct lane in front
 * of Fastify (common/http/direct-lane.ts, wired in app.factory), through
 * the same `answer`; Fastify serves the rest through `handle`.
 */
@Injectable()
export class IntrospectionRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly introspection: IntrospectionService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post(INTROSPECTION_PATH, (request, reply) => this.handle(request, reply));
  }

  /** The route's work, for both ways in: the answer of a 200, or an error for the renderer. */
  readonly answer = (request: Pick<LaneRequest, 'headers' | 'body'>): Promise<IntrospectionResponse> =>
    this.introspection.introspect(request.headers, request.body);

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const answer = await this.answer({ headers: request.headers, body: (request.body ?? {}) as Record<string, string> });
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(answer);
    } catch (err) {
      return sendError(request, reply, err, this.logger);
    }
  }
}
