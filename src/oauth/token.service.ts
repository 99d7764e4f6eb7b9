import { Inject, Injectable } from '@nestjs/common';
import { ClientAuthenticator } from '../clients/client-authenticator.service';
import { readCredentials } from '../common/auth/credentials';
import { OAuthError } from '../common/errors/oauth-error';
import { MetricsService } from '../health/metrics.service';
import { GRANT_HANDLERS, GrantHandler, TokenResponse } from './grants/grant';

const MAX_PARAM_LENGTH = 4_096;

/**
 * The token endpoint: authenticate the client once, check the grant is
 * allowed for it, validate the grant's parameters, dispatch.
 */
@Injectable()
export class TokenService {
  private readonly handlers: Map<string, GrantHandler>;

  constructor(
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    private readonly clientAuth: ClientAuthenticator,
    private readonly metrics: MetricsService,
  ) {
    this.handlers = new Map(handlers.map((h) => [h.grantType, h]));
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }

  async token(headers: Record<string, string | string[] | undefined>, params: Record<string, string>): Promise<TokenResponse> {
    const grantType = params.grant_type;
    if (!grantType) throw new OAuthError('invalid_request', 'grant_type missing');
    const handler = this.handlers.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', `unsupported: ${grantType.slice(0, 40)}`);
    for (const [name, value] of Object.entries(params)) {
      if (value.length > MAX_PARAM_LENGTH) throw new OAuthError('invalid_request', `${name.slice(0, 40)} too long`);
    }
    const presented = readCredentials(headers, params).client;
    if (!presented) throw new OAuthError('invalid_client', 'no client authentication');
    const client = await this.clientAuth.authenticateRecord(presented);
    if (!client.grantTypes.includes(handler.grantType)) throw new OAuthError('unauthorized_client', `grant ${grantType} not allowed`);
    for (const name of handler.requiredParams) {
      if (!params[name]) throw new OAuthError('invalid_request', `${name} missing`);
    }
    const issued = await handler.handle({ client, params });
    this.metrics.tokensIssued.inc({ grant_type: handler.grantType });
    return issued;
  }
}
