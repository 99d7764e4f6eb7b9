import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { generateSecret, sha256 } from '../common/crypto/secrets';
import { OAuthError } from '../common/errors/oauth-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { RevocationService } from '../revocation/revocation.service';
import { RefreshTokensRepository, RotatedRow } from './refresh-tokens.repository';

export const REFRESH_PREFIX = 'rt_';

export interface FamilyStart {
  userId: string;
  clientUuid: string;
  scope: string;
  amr: string[];
}

/** Refresh tokens: opaque, 256-bit, stored as SHA-256, rotated on every use. */
@Injectable()
export class RefreshTokens {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly repo: RefreshTokensRepository,
    private readonly revocations: RevocationService,
    private readonly audit: AuditService,
  ) {}

  /** A new family (one login). Returns the token and the family id (the access token's `sid`). */
  async startFamily(tx: Tx, f: FamilyStart): Promise<{ token: string; familyId: string }> {
    const familyId = randomUUID();
    const absolute = new Date(Date.now() + this.config.refreshTokenTtl * 1000);
    const token = await this.insert(tx, { ...f, familyId, parentId: null, absoluteExpiresAt: absolute });
    return { token, familyId };
  }

  /**
   * Consumes `presented` and issues its successor (one statement); `then`
   * runs in the same transaction (token response, audit). Any failure is
   * invalid_grant; presenting an already rotated token is reuse and revokes
   * the family. Failures are explained after the transaction, never on a
   * second connection while it is open (the embedded database has one).
   */
  async rotate<T>(
    presented: string,
    clientUuid: string,
    then: (tx: Tx, row: RotatedRow, token: string) => Promise<T>,
  ): Promise<T> {
    const hash = sha256(presented);
    const outcome = await this.db.transaction(async (tx) => {
      if (!presented.startsWith(REFRESH_PREFIX)) return undefined;
      const token = generateSecret(REFRESH_PREFIX);
      const idle = new Date(Date.now() + this.config.refreshTokenIdleTtl * 1000);
      const row = await this.repo.rotate(tx, hash, clientUuid, sha256(token), idle);
      if (!row) return undefined;
      return { value: await then(tx, row, token) };
    });
    if (!outcome) throw await this.explainFailure(hash, clientUuid);
    return outcome.value;
  }

  /** Revokes a family and every access token issued from it (`sid`). */
  async revokeFamily(tx: Tx, familyId: string): Promise<void> {
    await this.repo.revokeFamily(tx, familyId);
    // Access tokens of the family were issued before now, so they are all dead within one TTL.
    await this.revocations.revoke(tx, {
      kind: 'sid',
      subject: familyId,
      expiresAt: Math.floor(Date.now() / 1000) + this.config.accessTokenTtl,
    });
  }

  private async explainFailure(hash: Buffer, clientUuid: string): Promise<OAuthError> {
    const row = await this.repo.findByHash(hash);
    if (!row) return new OAuthError('invalid_grant', 'unknown_refresh_token');
    if (row.client_id !== clientUuid) return new OAuthError('invalid_grant', 'client_mismatch');
    if (row.revoked_at) return new OAuthError('invalid_grant', 'refresh_token_revoked');
    if (!row.consumed_at) return new OAuthError('invalid_grant', 'refresh_token_expired');
    const grace = this.config.refreshReuseGraceSeconds * 1000;
    if (grace > 0 && Date.now() - row.consumed_at.getTime() < grace) {
      return new OAuthError('invalid_grant', 'concurrent_refresh_within_grace');
    }
    await this.db.transaction(async (tx) => {
      await this.revokeFamily(tx, row.family_id);
      await this.audit.record(tx, {
        eventType: 'refresh_token.reuse_detected',
        outcome: 'failure',
        actor: { type: 'user', id: row.user_id },
        subject: { type: 'refresh_token_family', id: row.family_id },
        details: { reason: 'refresh_token_reused', grant_type: 'refresh_token' },
      });
    });
    return new OAuthError('invalid_grant', 'refresh_token_reused');
  }

  private async insert(
    tx: Tx,
    t: FamilyStart & { familyId: string; parentId: string | null; absoluteExpiresAt: Date },
  ): Promise<string> {
    const token = generateSecret(REFRESH_PREFIX);
    const idle = new Date(Date.now() + this.config.refreshTokenIdleTtl * 1000);
    await this.repo.insert(tx, {
      hash: sha256(token),
      familyId: t.familyId,
      parentId: t.parentId,
      userId: t.userId,
      clientUuid: t.clientUuid,
      scope: t.scope,
      amr: t.amr,
      expiresAt: idle < t.absoluteExpiresAt ? idle : t.absoluteExpiresAt,
      absoluteExpiresAt: t.absoluteExpiresAt,
    });
    return token;
  }
}
