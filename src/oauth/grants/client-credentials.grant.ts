import { Injectable } from '@nestjs/common';
import { AuditBatchWriter } from '../../audit/audit-batch-writer';
import { OAuthError } from '../../common/errors/oauth-error';
import { AppConfig } from '../../config/app-config';
import { asOutage } from '../../database/database-outage';
import { PermissionCache } from '../../rbac/permission-cache.service';
import { grantScope, isNarrowed, parseScope } from '../../rbac/scope';
import { AccessTokens } from '../../tokens/access-tokens.service';
import { GrantHandler, GrantRequest, TokenResponse } from './grant';

/**
 * RFC 6749 §4.4: confidential clients only; no refresh token. The token is
 * signed on a worker while its audit row is group-committed; the response
 * waits for both, so no token leaves without its committed row.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials' as const;
  readonly requiredParams = [] as const;

  constructor(
    private readonly config: AppConfig,
    private readonly permissions: PermissionCache,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditBatchWriter,
  ) {}

  async handle({ client, params, certificateThumbprint }: GrantRequest): Promise<TokenResponse> {
    if (!client.confidential)
      throw new OAuthError('unauthorized_client', 'public client cannot use client_credentials');
    try {
      const held = await this.permissions.permissionsOf(client.roles);
      const scope = grantScope(parseScope(params.scope), held);
      const access = this.accessTokens.issue({
        sub: client.clientId,
        clientId: client.clientId,
        scope,
        roles: client.roles,
        scopeNarrowed: isNarrowed(scope, held),
        certificateThumbprint,
      });
      const { jti, scope: granted } = access.claims;
      const [token] = await Promise.all([
        access.token,
        this.audit.write({
          eventType: 'token.issued',
          outcome: 'success',
          actor: { type: 'client', id: client.clientId },
          subject: { type: 'client', id: client.clientId },
          details: { grant_type: 'client_credentials', client_id: client.clientId, jti, scope: granted },
        }),
      ]);
      return { access_token: token, token_type: 'Bearer', expires_in: this.config.accessTokenTtl, scope: granted };
    } catch (err) {
      throw asOutage(err);
    }
  }
}
