import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { TokenResponse } from './grants/grant';
import { TokenService } from './token.service';

@Controller('oauth')
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  async token(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: Record<string, string> | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse> {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return this.tokens.token(headers, body ?? {});
  }
}
