import { Injectable } from '@nestjs/common';
import { OAuthError } from '../../common/errors/oauth-error';
import { RevokeService } from '../revoke.service';
import type { ActionResult, Caller, EdgeRequest, OAuthAction } from '../edge/edge.types';
import { REVOKE_PATH } from '../edge/route-table';

const EMPTY: ActionResult = Object.freeze({ kind: 'empty' });

/** POST /oauth/revoke on the edge (RFC 7009): 200 with an empty body whatever the token. */
@Injectable()
export class RevokeAction implements OAuthAction {
  readonly path = REVOKE_PATH;

  constructor(private readonly revocation: RevokeService) {}

  async handle(request: EdgeRequest, caller: Caller): Promise<ActionResult> {
    if (caller.kind !== 'principal') throw new OAuthError('invalid_client', 'not a caller');
    await this.revocation.revoke(caller.principal, caller.publicClient, request.body);
    return EMPTY;
  }
}
