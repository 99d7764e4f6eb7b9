import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { IntrospectionResponse } from './introspection.types';
import { IntrospectionService } from './introspection.service';

@ApiTags('OAuth')
@Controller('oauth')
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  /** Public at the HTTP layer: the protocol authenticates the caller (client, bearer or API key) itself. */
  @Public()
  @Post('introspect')
  @HttpCode(200)
  @ApiOperation({ summary: 'RFC 7662 token introspection (caller needs tokens:introspect)' })
  introspect(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: Record<string, string> | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntrospectionResponse> {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return this.introspection.introspect(headers, body ?? {});
  }
}
