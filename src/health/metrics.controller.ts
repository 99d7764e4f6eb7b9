import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint. Public by contract: it must be kept off the
 * public network (bind it behind the ingress); it carries counts only, no
 * identities or secrets (see MetricsService on labels).
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Public()
  @Get()
  @ApiExcludeEndpoint()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.type(this.metrics.contentType());
    return this.metrics.render();
  }
}
