import { Injectable } from '@nestjs/common';
import { OAuthError } from '../../common/errors/oauth-error';
import { MetricsService } from '../../health/metrics.service';
import { IntrospectionService } from '../../introspection/introspection.service';
import type { ActionResult, Caller, EdgeRequest, OAuthAction } from '../edge/edge.types';
import { INTROSPECT_PATH } from '../edge/route-table';

/** POST /oauth/introspect on the edge (RFC 7662): the caller must hold tokens:introspect. */
@Injectable()
export class IntrospectAction implements OAuthAction {
  readonly path = INTROSPECT_PATH;

  constructor(
    private readonly introspection: IntrospectionService,
    private readonly metrics: MetricsService,
  ) {}

  async handle(request: EdgeRequest, caller: Caller): Promise<ActionResult> {
    if (caller.kind !== 'principal' || caller.publicClient) throw new OAuthError('invalid_client', 'not a caller');
    if (!caller.principal.permissions.has('tokens:introspect'))
      throw new OAuthError('insufficient_scope', 'caller lacks tokens:introspect');
    const answer = await this.introspection.introspect(request.body);
    this.metrics.introspections.inc({ result: answer.active ? 'active' : 'inactive' });
    return { kind: 'json', body: answer };
  }

  failed(error: unknown): void {
    if (error instanceof OAuthError && (error.code === 'invalid_client' || error.code === 'insufficient_scope')) {
      this.metrics.introspections.inc({ result: 'unauthorized' });
    }
  }
}
