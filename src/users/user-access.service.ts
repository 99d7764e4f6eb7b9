import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Tx } from '../database/tx';
import { RevocationService } from '../revocation/revocation.service';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { RefreshTokens } from '../tokens/refresh-tokens.service';

/**
 * Cuts a user off (disable, erase) or lets it back in (re-enable). Runs
 * inside the caller's transaction, so the revocations commit (and are
 * announced to every instance) together with the change that caused them.
 */
@Injectable()
export class UserAccess {
  constructor(
    private readonly config: AppConfig,
    private readonly refreshTokensRepo: RefreshTokensRepository,
    private readonly refreshTokens: RefreshTokens,
    private readonly revocations: RevocationService,
  ) {}

  /**
   * Every refresh-token family is revoked; `user` with a cutoff of now kills
   * every access token issued so far, for good (it outlives a re-enable);
   * the open-ended `user_off` keeps everything of the user, API keys
   * included, inactive while it stays disabled.
   */
  async cutOff(tx: Tx, userId: string): Promise<number> {
    const families = await this.refreshTokensRepo.liveFamiliesOfUser(tx, userId);
    for (const family of families) await this.refreshTokens.revokeFamily(tx, family);
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    const expiresAt = now + this.config.accessTokenTtl;
    await this.revocations.revoke(tx, { kind: 'user', subject: userId, cutoffMs: nowMs, expiresAt });
    await this.revocations.revoke(tx, { kind: 'user_off', subject: userId, expiresAt: null });
    return families.length;
  }

  /** Re-enabling lifts only `user_off`: tokens issued before the cutoff stay dead. */
  async restore(tx: Tx, userId: string): Promise<void> {
    await this.revocations.lift(tx, 'user_off', userId);
  }

  /**
   * Password change: every other session ends (a thief holding one loses
   * it); the caller's own family (`keepFamily`, its token's `sid`) survives.
   */
  async endOtherSessions(tx: Tx, userId: string, keepFamily: string | undefined): Promise<number> {
    const families = await this.refreshTokensRepo.liveFamiliesOfUser(tx, userId, keepFamily);
    for (const family of families) await this.refreshTokens.revokeFamily(tx, family);
    return families.length;
  }
}
