import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/auth/decorators';
import { SigningKeys } from './signing-keys.service';

@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  /** Public keys only: every key whose tokens may still be unexpired. */
  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  jwks(): { keys: object[] } {
    return { keys: this.keys.published().map((k) => k.publicJwk) };
  }
}
