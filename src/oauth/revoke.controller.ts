import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { RevokeService } from './revoke.service';

@ApiTags('OAuth')
@Controller('oauth')
export class RevokeController {
  constructor(private readonly revocation: RevokeService) {}

  /** Public at the HTTP layer: the protocol authenticates the caller itself (RFC 7009 §2.1). */
  @Public()
  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'RFC 7009 token revocation; 200 with an empty body whatever the token' })
  async revoke(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: Record<string, string> | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    await this.revocation.revoke(headers, body ?? {});
    return '';
  }
}
