import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { OAuthError } from '../common/errors/oauth-error';
import { CallerAuthenticator } from '../introspection/caller-auth.service';
import { SignatureVerifier, VerifyAnswer } from './signature-verifier.service';

/**
 * POST /oauth/signatures/verify. Public at the HTTP layer: the protocol
 * authenticates its caller like introspection does, and the caller must
 * hold `signatures:verify`.
 */
@ApiTags('OAuth')
@Controller('oauth/signatures')
export class SignaturesVerifyController {
  constructor(
    private readonly callers: CallerAuthenticator,
    private readonly verifier: SignatureVerifier,
  ) {}

  @Public()
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify an RFC 9421 request signature (hmac-sha256 profile); needs signatures:verify' })
  async verify(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: Record<string, string> | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VerifyAnswer> {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const form = body ?? {};
    const caller = await this.callers.authenticate(headers, form, 'introspect');
    if (!caller.permissions.has('signatures:verify')) throw new OAuthError('insufficient_scope', 'caller lacks signatures:verify');
    return this.verifier.verify(form);
  }
}
