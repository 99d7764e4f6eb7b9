import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../common/http/configure-http';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { IntrospectionService } from './introspection.service';

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

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const body = (request.body ?? {}) as Record<string, string>;
      const answer = await this.introspection.introspect(request.headers, body);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(answer);
    } catch (err) {
      return sendError(request, reply, err, this.logger);
    }
  }
}
