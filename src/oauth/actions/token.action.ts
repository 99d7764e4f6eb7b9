import { Injectable } from '@nestjs/common';
import { OAuthError } from '../../common/errors/oauth-error';
import type { ActionResult, Caller, EdgeRequest, OAuthAction } from '../edge/edge.types';
import { TOKEN_PATH } from '../edge/route-table';
import { TokenService } from '../token.service';

/** POST /oauth/token on the edge (RFC 6749 §3.2). */
@Injectable()
export class TokenAction implements OAuthAction {
  readonly path = TOKEN_PATH;

  constructor(private readonly tokens: TokenService) {}

  validate(request: EdgeRequest): void {
    this.tokens.validate(request.body);
  }

  async handle(request: EdgeRequest, caller: Caller): Promise<ActionResult> {
    if (caller.kind !== 'client') throw new OAuthError('invalid_client', 'no client authentication');
    return { kind: 'json', body: await this.tokens.token(caller.client, request.body, caller.certificateThumbprint) };
  }
}
