import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { auditActor, Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { RevocationService } from '../revocation/revocation.service';
import { effectiveExpiry, statusOf } from './api-key-state';
import { API_KEY_CHANGED, ApiKeyRow } from './api-key.types';
import { newApiKey } from './api-key-format';
import { ApiKeyOwners } from './api-key-owners.service';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { RbacPolicy } from '../rbac/rbac-policy.service';
import { RotatedApiKey } from './dto/rotated-api-key.dto';

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.ceil(ms / 1000));

/**
 * Rotation and revocation. Both announce the change inside their
 * transaction (every instance drops its cached record), and a key that must
 * die at once also goes into the revocation set, which other instances
 * learn through the same NOTIFY within the second.
 */
@Injectable()
export class ApiKeyLifecycle {
  constructor(
    private readonly db: Database,
    private readonly repo: ApiKeysRepository,
    private readonly keys: ApiKeysService,
    private readonly owners: ApiKeyOwners,
    private readonly policy: RbacPolicy,
    private readonly revocations: RevocationService,
    private readonly events: ClusterEvents,
    private readonly audit: AuditService,
  ) {}

  async rotate(principal: Principal, id: string, graceSeconds = 0): Promise<RotatedApiKey> {
    const current = await this.keys.findOr404(id);
    const status = statusOf(current);
    if (status !== 'active') throw ProblemError.conflict(`The key is ${status} and cannot be rotated.`);
    // Rotation mints a new secret with the old scope for the old owner: the caller must be able to
    // grant that scope and to act for that owner.
    const held = await this.policy.held(principal);
    this.policy.assertWithin(held, current.scope.split(' ').filter(Boolean));
    await this.owners.assertMayMintFor(principal, { type: current.owner_type, id: current.owner_id }, held);
    const fresh = newApiKey();
    const { row, previous } = await this.db.transaction(async (tx) => {
      const old = await this.repo.markRotated(tx, id, graceSeconds);
      if (!old) throw ProblemError.conflict('The key was revoked, expired or rotated meanwhile.');
      const inserted = await this.repo.insert(tx, {
        lookupId: fresh.lookupId,
        secretHash: fresh.secretHash,
        prefix: fresh.prefix,
        name: old.name,
        scope: old.scope,
        owner: { type: old.owner_type, id: old.owner_id },
        // A rotation renews the secret, not the lifetime.
        expiresAt: old.expires_at,
      });
      // Without grace the old key is dead at once everywhere, whatever the clocks of other instances say.
      if (graceSeconds === 0) await this.kill(tx, old);
      await this.changed(tx, old);
      await this.audit.record(tx, {
        eventType: 'api_key.rotated',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'api_key', id: old.id },
        details: {
          new_key_id: inserted.id,
          grace_seconds: graceSeconds,
          owner_type: old.owner_type,
          owner_id: old.owner_id,
        },
      });
      return { row: inserted, previous: old };
    });
    return RotatedApiKey.rotated(row, fresh.key, previous);
  }

  /** Idempotent: revoking a revoked key is a success that changes (and audits) nothing. */
  async revoke(principal: Principal, id: string): Promise<void> {
    const current = await this.keys.findOr404(id);
    if (current.revoked_at) return;
    await this.db.transaction(async (tx) => {
      const row = await this.repo.markRevoked(tx, id);
      if (!row) return;
      await this.kill(tx, row);
      await this.changed(tx, row);
      await this.audit.record(tx, {
        eventType: 'api_key.revoked',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'api_key', id: row.id },
        details: { name: row.name, owner_type: row.owner_type, owner_id: row.owner_id },
      });
    });
  }

  /** Revocation-set entry, kept until the key would have stopped working anyway (forever if never). */
  private async kill(tx: Tx, row: ApiKeyRow): Promise<void> {
    const until = effectiveExpiry(row.expires_at?.getTime() ?? null, row.grace_expires_at?.getTime() ?? null);
    await this.revocations.revoke(tx, { kind: 'api_key', subject: row.id, expiresAt: seconds(until) });
  }

  private async changed(tx: Tx, row: ApiKeyRow): Promise<void> {
    await this.events.publish(tx, { type: API_KEY_CHANGED, lookupId: row.lookup_id });
  }
}
