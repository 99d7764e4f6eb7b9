import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { auditActor, Principal } from '../common/auth/principal';
import { sha256 } from '../common/crypto/secrets';
import { OAuthError } from '../common/errors/oauth-error';
import { Database } from '../database/database.service';
import { AccessTokenVerifier } from '../tokens/access-token-verifier.service';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { REFRESH_PREFIX, RefreshTokens } from '../tokens/refresh-tokens.service';
import { RevocationService } from '../revocation/revocation.service';

/**
 * RFC 7009 (the endpoint is RevokeAction on the protocol edge). A client
 * revokes tokens issued to it; a caller holding
 * `tokens:revoke` revokes any token. The answer is 200 whether or not the
 * token was valid, known or someone else's (nothing to learn from it).
 */
@Injectable()
export class RevokeService {
  constructor(
    private readonly db: Database,
    private readonly verifier: AccessTokenVerifier,
    private readonly refreshRepo: RefreshTokensRepository,
    private readonly refreshTokens: RefreshTokens,
    private readonly revocations: RevocationService,
    private readonly audit: AuditService,
  ) {}

  /**
   * For a caller the edge authenticated. A public client (known by its bare
   * client_id, which anybody can send) acts only on its own tokens, whatever
   * its roles hold: its id is no proof of holding tokens:revoke.
   */
  async revoke(caller: Principal, publicClient: boolean, form: Record<string, string>): Promise<void> {
    const anyToken = !publicClient && caller.permissions.has('tokens:revoke');
    // Bearer and API-key callers act only through the permission; clients also on their own tokens.
    if (caller.clientUuid === undefined && !anyToken)
      throw new OAuthError('insufficient_scope', 'caller lacks tokens:revoke');
    const token = form.token;
    if (!token) throw new OAuthError('invalid_request', 'token missing');
    if (token.startsWith(REFRESH_PREFIX)) return this.revokeRefresh(caller, anyToken, token);
    return this.revokeAccess(caller, anyToken, token);
  }

  private async revokeRefresh(caller: Principal, anyToken: boolean, token: string): Promise<void> {
    const row = await this.refreshRepo.findByHash(sha256(token));
    if (!row || row.revoked_at || (!anyToken && row.client_id !== caller.clientUuid)) return;
    await this.db.transaction(async (tx) => {
      await this.refreshTokens.revokeFamily(tx, row.family_id);
      await this.audit.record(tx, {
        eventType: 'token.revoked',
        outcome: 'success',
        actor: auditActor(caller),
        subject: { type: 'user', id: row.user_id },
        details: { token_type: 'refresh_token', sid: row.family_id },
      });
    });
  }

  private async revokeAccess(caller: Principal, anyToken: boolean, token: string): Promise<void> {
    const claims = await this.verifier.verify(token, true);
    if (!claims || (!anyToken && claims.client_id !== caller.clientId)) return;
    await this.db.transaction(async (tx) => {
      await this.revocations.revoke(tx, { kind: 'jti', subject: claims.jti, expiresAt: claims.exp });
      await this.audit.record(tx, {
        eventType: 'token.revoked',
        outcome: 'success',
        actor: auditActor(caller),
        subject: { type: claims.sid ? 'user' : 'client', id: claims.sub },
        details: { token_type: 'access_token', jti: claims.jti },
      });
    });
  }
}
