import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuditActor } from '../audit/audit.types';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { Database } from '../database/database.service';
import { KeyRing, SIGNING_KEYS_CHANGED } from './key-ring.service';
import { LoadedKey } from './signing-key.types';
import { SigningKeysRepository } from './signing-keys.repository';

/**
 * Changes of the key set: the admin's two-step rotation, and the first key
 * (or a key of a newly configured algorithm) at start. Every change is
 * announced on the cluster bus in its transaction, so the other instances
 * publish the new key in JWKS at once and sign with it from `activates_at`.
 */
@Injectable()
export class SigningKeyRotation implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly repo: SigningKeysRepository,
    private readonly ring: KeyRing,
    private readonly config: AppConfig,
    private readonly events: ClusterEvents,
    private readonly audit: AuditService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    // At start and after every reconnect of the bus: nothing announced meanwhile is missed.
    this.events.onSync(() => this.ensureSigner().then(() => this.ring.reload()));
  }

  /**
   * A new key, published now, signing from now + `activateInSeconds` (0: at
   * once, for a compromised key). The key it replaces keeps signing until
   * then, and verifying for one token lifetime after.
   */
  async rotate(actor: AuditActor, requestedDelay?: number | null): Promise<LoadedKey> {
    // null (allowed by an optional DTO field) means the default, like an absent field.
    const activateInSeconds = requestedDelay ?? this.config.signingKeyActivationSeconds;
    const alg = this.config.signingAlgorithm;
    const created = await this.db.transaction(async (tx) => {
      await this.repo.lock(tx);
      const row = await this.repo.insertSuccessor(tx, alg, activateInSeconds);
      await this.audit.record(tx, {
        eventType: 'signing_key.rotated',
        outcome: 'success',
        actor,
        subject: { type: 'signing_key', id: row.kid },
        details: { alg, activate_in_seconds: activateInSeconds, activates_at: row.activates_at.toISOString() },
      });
      await this.events.publish(tx, { type: SIGNING_KEYS_CHANGED });
      return row.kid;
    });
    await this.ring.reload();
    const key = this.ring.cachedKey(created);
    if (!key) throw new Error('rotated key not loaded');
    return key;
  }

  /** First start, or a configured algorithm the signing key does not have: a key that signs at once. */
  private async ensureSigner(): Promise<void> {
    const alg = this.config.signingAlgorithm;
    await this.db.transaction(async (tx) => {
      await this.repo.lock(tx);
      if ((await this.repo.currentAlgorithm(tx)) === alg) return;
      const row = await this.repo.insertSuccessor(tx, alg, 0);
      this.logger.info({ kid: row.kid, alg }, 'generated a signing key');
    });
  }
}
