import { Injectable } from '@nestjs/common';
import { AuditEntry } from '../../audit/audit.types';
import { AppConfig } from '../../config/app-config';
import { asOutage } from '../../database/database-outage';
import { PermissionCache } from '../../rbac/permission-cache.service';
import { grantScope, isNarrowed, parseScope } from '../../rbac/scope';
import { AccessTokens } from '../../tokens/access-tokens.service';
import { RefreshTokens } from '../../tokens/refresh-tokens.service';
import { GrantHandler, GrantRequest, TokenResponse } from './grant';

/**
 * RFC 6749 §6 with rotation. The access token may ask for a narrower scope;
 * the new refresh token keeps the family's original one. Scope is also
 * capped by the user's current permissions, so role changes apply. The
 * access token is signed on a worker while the rotation commits; it is sent
 * only once the rotation and its audit row have committed. Rotations that
 * arrive together commit together (RefreshTokens.rotate).
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token' as const;
  readonly requiredParams = ['refresh_token'] as const;

  constructor(
    private readonly config: AppConfig,
    private readonly permissions: PermissionCache,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async handle(request: GrantRequest): Promise<TokenResponse> {
    try {
      const { token, response } = await this.rotate(request);
      return { ...response, access_token: await token };
    } catch (err) {
      throw asOutage(err);
    }
  }

  private async rotate({
    client,
    params,
    certificateThumbprint,
  }: GrantRequest): Promise<{ token: Promise<string>; response: Omit<TokenResponse, 'access_token'> }> {
    const requested = parseScope(params.scope);
    await this.permissions.allPermissions(); // warm the cache outside the transaction
    // Only a token of an active user rotates (disabling also revokes the user's tokens: belt and braces).
    return this.refreshTokens.rotate(params.refresh_token, client.id, async (row, refreshToken) => {
      const user = { id: row.user_id, username: row.username, roles: row.roles };
      const current = await this.permissions.permissionsOf(user.roles);
      const held = new Set(row.scope.split(' ').filter((p) => current.has(p)));
      const scope = grantScope(requested, held);
      const access = this.accessTokens.issue({
        sub: user.id,
        clientId: client.clientId,
        scope,
        roles: user.roles,
        username: user.username ?? undefined,
        sid: row.family_id,
        amr: row.amr,
        // Narrowed unless it carries everything the user holds now (the family's scope may be narrower).
        scopeNarrowed: isNarrowed(scope, current),
        // RFC 8705 §3: bound to the certificate the client authenticated with on this request.
        certificateThumbprint,
      });
      const audit: AuditEntry = {
        eventType: 'token.refreshed',
        outcome: 'success',
        actor: { type: 'user', id: user.id },
        subject: { type: 'user', id: user.id },
        details: {
          grant_type: 'refresh_token',
          client_id: client.clientId,
          jti: access.claims.jti,
          sid: row.family_id,
          scope: access.claims.scope,
        },
      };
      const response = {
        token_type: 'Bearer' as const,
        expires_in: this.config.accessTokenTtl,
        refresh_token: refreshToken,
        scope: access.claims.scope,
      };
      return { value: { token: access.token, response }, audit };
    });
  }
}
