import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService, auditValues } from '../audit/audit.service';
import { AuditEntry } from '../audit/audit.types';
import { GroupCommit, Settled } from '../common/concurrency/group-commit';
import { RequestContext, RequestMeta } from '../common/http/request-context';
import { generateSecret, sha256 } from '../common/crypto/secrets';
import { OAuthError } from '../common/errors/oauth-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { RevocationService } from '../revocation/revocation.service';
import { RefreshTokensRepository, RotatableRow, Rotation, RotationLookup } from './refresh-tokens.repository';

export const REFRESH_PREFIX = 'rt_';

/** The outcome of a token its group did not consume: explained after the transaction. */
const NOT_ROTATED = Symbol('not rotated');

/** Builds the response of one rotation and the audit row that commits with it; throwing stops the rotation. */
export type Prepare<T> = (row: RotatableRow, successor: string) => Promise<{ value: T; audit: AuditEntry }>;

interface PendingRotation {
  lookup: RotationLookup;
  successor: string;
  /** The request's context, for its audit row: the group runs in the context of whichever request started it. */
  meta: RequestMeta;
  prepare: Prepare<unknown>;
}

export interface FamilyStart {
  userId: string;
  clientUuid: string;
  scope: string;
  amr: string[];
}

/** Refresh tokens: opaque, 256-bit, stored as SHA-256, rotated on every use. */
@Injectable()
export class RefreshTokens {
  /**
   * One read and one statement per group of rotations, two groups in flight; a token presented
   * twice at once waits for the group of its first use (which then makes
   * the second one reuse, or a race within the grace period).
   */
  private readonly rotations = new GroupCommit<PendingRotation, unknown>((group) => this.rotateGroup(group), {
    maxGroup: 64,
    maxInFlight: 2,
    keyOf: (p) => p.lookup.hash.toString('base64'),
  });

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
   * Consumes `presented` and issues its successor. `prepare` builds the
   * token response and the audit row that commits with the rotation; if it
   * throws, nothing rotates. Any failure is invalid_grant; presenting an
   * already rotated token is reuse and revokes the family.
   *
   * Rotations arriving together are one group (group commit): one read
   * finds the tokens that may rotate, and one statement rotates them and
   * writes their audit rows, so each rotation commits with its row. The
   * response waits for that commit.
   */
  async rotate<T>(presented: string, clientUuid: string, prepare: Prepare<T>): Promise<T> {
    const hash = sha256(presented);
    if (!presented.startsWith(REFRESH_PREFIX)) throw await this.explainFailure(hash, clientUuid);
    const successor = generateSecret(REFRESH_PREFIX);
    try {
      const value = await this.rotations.submit({
        lookup: { hash, clientUuid },
        successor,
        meta: RequestContext.current(),
        prepare,
      });
      return value as T;
    } catch (err) {
      if (err === NOT_ROTATED) throw await this.explainFailure(hash, clientUuid);
      throw err;
    }
  }

  private async rotateGroup(group: PendingRotation[]): Promise<Settled<unknown>[]> {
    const outcomes: Settled<unknown>[] = group.map(() => ({ ok: false, error: NOT_ROTATED }));
    const rows = await this.repo.findRotatable(group.map((p) => p.lookup));
    const idle = new Date(Date.now() + this.config.refreshTokenIdleTtl * 1000);
    const rotations: (Rotation & { index: number; value: unknown })[] = [];
    for (const row of rows) {
      const pending = group[row.index];
      try {
        const { value, audit } = await pending.prepare(row, pending.successor);
        rotations.push({
          index: row.index,
          value,
          id: row.id,
          successorHash: sha256(pending.successor),
          idleExpiresAt: idle,
          audit: auditValues(audit, pending.meta),
        });
      } catch (error) {
        outcomes[row.index] = { ok: false, error };
      }
    }
    if (rotations.length === 0) return outcomes;
    const rotated = await this.repo.rotate(rotations);
    rotations.forEach((r, i) => {
      if (rotated.has(i)) outcomes[r.index] = { ok: true, value: r.value };
    });
    if (rotated.size > 0) this.audit.committed();
    return outcomes;
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
    const row = await this.repo.findByHashWithUser(hash);
    if (!row) return new OAuthError('invalid_grant', 'unknown_refresh_token');
    if (row.client_id !== clientUuid) return new OAuthError('invalid_grant', 'client_mismatch');
    if (row.revoked_at) return new OAuthError('invalid_grant', 'refresh_token_revoked');
    if (!row.user_active) return new OAuthError('invalid_grant', 'user_inactive');
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
