import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord } from '../clients/client.types';
import { OAuthError } from '../common/errors/oauth-error';
import { MetricsService } from '../health/metrics.service';
import { GRANT_HANDLERS, GrantHandler, TokenResponse } from './grants/grant';

const MAX_PARAM_LENGTH = 4_096;

/**
 * The token endpoint as a grant registry: the request is checked (grant type
 * known, parameters of sane length) before the edge authenticates the client
 * once; then the grant must be allowed for the client, its parameters present,
 * and its handler issues.
 */
@Injectable()
export class TokenService {
  private readonly handlers: Map<string, GrantHandler>;

  constructor(
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    private readonly metrics: MetricsService,
  ) {
    this.handlers = new Map(handlers.map((h) => [h.grantType, h]));
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }

  /** What is wrong with the request itself, before anyone is authenticated (throws invalid_request and kin). */
  validate(params: Record<string, string>): void {
    this.handlerFor(params);
    for (const [name, value] of Object.entries(params)) {
      if (value.length > MAX_PARAM_LENGTH) throw new OAuthError('invalid_request', `${name.slice(0, 40)} too long`);
    }
  }

  /** `certificateThumbprint`: the client proved itself with that certificate (RFC 8705); its tokens are bound to it. */
  async token(
    client: ClientRecord,
    params: Record<string, string>,
    certificateThumbprint?: string,
  ): Promise<TokenResponse> {
    const handler = this.handlerFor(params);
    if (!client.grantTypes.includes(handler.grantType))
      throw new OAuthError('unauthorized_client', `grant ${handler.grantType} not allowed`);
    for (const name of handler.requiredParams) {
      if (!params[name]) throw new OAuthError('invalid_request', `${name} missing`);
    }
    const issued = await handler.handle({ client, params, certificateThumbprint });
    this.metrics.tokensIssued.inc({ grant_type: handler.grantType });
    return issued;
  }

  private handlerFor(params: Record<string, string>): GrantHandler {
    const grantType = params.grant_type;
    if (!grantType) throw new OAuthError('invalid_request', 'grant_type missing');
    const handler = this.handlers.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', `unsupported: ${grantType.slice(0, 40)}`);
    return handler;
  }
}
