import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database.service';
import { PermissionCache } from '../../rbac/permission-cache.service';
import { formatScope, grantScope, isNarrowed, parseScope } from '../../rbac/scope';
import { AccessTokens } from '../../tokens/access-tokens.service';
import { RefreshTokens } from '../../tokens/refresh-tokens.service';
import { RequestContext } from '../../common/http/request-context';
import { LockedDuringLogin, LoginResult, LoginService } from '../../users/login.service';
import { GrantHandler, GrantRequest, TokenResponse } from './grant';

/** RFC 6749 §4.3: resource owner password credentials, with optional TOTP (`otp`). */
@Injectable()
export class PasswordGrant implements GrantHandler {
  readonly grantType = 'password' as const;
  readonly requiredParams = ['username', 'password'] as const;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly login: LoginService,
    private readonly permissions: PermissionCache,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: AuditService,
  ) {}

  async handle(request: GrantRequest): Promise<TokenResponse> {
    const { client, params } = request;
    const requested = parseScope(params.scope);
    const ip = RequestContext.current().ip ?? '';
    const login = await this.login.authenticate(params.username, params.password, params.otp, client.clientId, ip);
    try {
      return await this.issue(request, login, requested);
    } catch (err) {
      if (err instanceof LockedDuringLogin) return this.login.refuseLocked(login.user, client.clientId);
      throw err;
    }
  }

  /** The login success row, the counter reset, the refresh family and `token.issued` commit together. */
  private async issue(
    { client, certificateThumbprint }: GrantRequest,
    login: LoginResult,
    requested: string[] | undefined,
  ): Promise<TokenResponse> {
    const { user, amr } = login;
    const held = await this.permissions.permissionsOf(user.roles);
    const scope = grantScope(requested, held);
    return this.db.transaction(async (tx) => {
      await this.login.succeed(tx, login, client.clientId);
      const family = await this.refreshTokens.startFamily(tx, {
        userId: user.id,
        clientUuid: client.id,
        scope: formatScope(scope),
        amr,
      });
      const access = this.accessTokens.issue({
        sub: user.id,
        clientId: client.clientId,
        scope,
        roles: user.roles,
        username: user.username ?? undefined,
        sid: family.familyId,
        amr,
        scopeNarrowed: isNarrowed(scope, held),
        // RFC 8705 §3: every access token of a client that authenticated by certificate is bound to it.
        certificateThumbprint,
      });
      await this.audit.record(tx, {
        eventType: 'token.issued',
        outcome: 'success',
        actor: { type: 'user', id: user.id },
        subject: { type: 'user', id: user.id },
        details: {
          grant_type: 'password',
          client_id: client.clientId,
          jti: access.claims.jti,
          sid: family.familyId,
          scope: access.claims.scope,
        },
      });
      return {
        access_token: await access.token,
        token_type: 'Bearer',
        expires_in: this.config.accessTokenTtl,
        refresh_token: family.token,
        scope: access.claims.scope,
      };
    });
  }
}
