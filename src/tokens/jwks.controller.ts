import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { KeyRing } from './key-ring.service';

@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: KeyRing) {}

  /**
   * Public keys only: every key whose tokens may still be unexpired, and the
   * next key before it signs. Cached no longer than a rotated-in key waits,
   * so a resource server holds the new key before the first token it signs.
   */
  @Public()
  @Get('jwks.json')
  jwks(@Res({ passthrough: true }) reply: FastifyReply): { keys: object[] } {
    reply.header('cache-control', `public, max-age=${this.keys.jwksMaxAge()}`);
    return { keys: this.keys.published().map((k) => k.publicJwk) };
  }
}
