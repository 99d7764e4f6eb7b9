import { Injectable } from '@nestjs/common';
import { OAuthError } from '../../common/errors/oauth-error';
import { SignatureVerifier } from '../../signatures/signature-verifier.service';
import type { ActionResult, Caller, EdgeRequest, OAuthAction } from '../edge/edge.types';
import { SIGNATURE_VERIFY_PATH } from '../edge/route-table';

/**
 * POST /oauth/signatures/verify on the edge (API.md "Signed requests"): the
 * caller authenticates as on introspection and must hold signatures:verify.
 */
@Injectable()
export class SignatureVerifyAction implements OAuthAction {
  readonly path = SIGNATURE_VERIFY_PATH;

  constructor(private readonly verifier: SignatureVerifier) {}

  async handle(request: EdgeRequest, caller: Caller): Promise<ActionResult> {
    if (caller.kind !== 'principal' || caller.publicClient) throw new OAuthError('invalid_client', 'not a caller');
    if (!caller.principal.permissions.has('signatures:verify'))
      throw new OAuthError('insufficient_scope', 'caller lacks signatures:verify');
    return { kind: 'json', body: await this.verifier.verify(request.body) };
  }
}
