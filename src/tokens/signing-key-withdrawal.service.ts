import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuditActor } from '../audit/audit.types';
import { ProblemError } from '../common/errors/problem-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { RevocationFeedWriter } from '../revocation/revocation-feed.writer';
import { KeyRing, SIGNING_KEYS_CHANGED } from './key-ring.service';
import { LoadedKey } from './signing-key.types';
import { SigningKeysRepository } from './signing-keys.repository';

/** Kids are base64url; anything else names no key (and never reaches SQL). */
const KID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * When a withdrawn key's `kid` feed entry may lapse, in NumericDate seconds:
 * once the last token it signed has expired (its retirement plus one token
 * lifetime; a key replaced before it activated signed none), and never before
 * a JWKS response cached by a resource service has gone stale: until then a
 * token forged with the leaked private part, whatever `exp` it claims, would
 * still verify there.
 */
export function withdrawalUntil(
  key: Pick<LoadedKey, 'activatesAt' | 'retiredAt'>,
  nowMs: number,
  accessTokenTtl: number,
  jwksMaxAge: number,
): number {
  const retired = key.retiredAt?.getTime() ?? nowMs;
  const lastExpiry = retired > key.activatesAt.getTime() ? retired + accessTokenTtl * 1000 : 0;
  return Math.ceil(Math.max(lastExpiry, nowMs + jwksMaxAge * 1000) / 1000);
}

/**
 * Withdrawal of a compromised signing key (DELETE /v1/signing-keys/{kid}).
 * Its private part is erased, it leaves JWKS and the admin list, and every
 * token it signed dies: here and on every instance through the cluster bus
 * (their key rings drop it, and with it the verifier's cached claims), and
 * at resource services through a `kid` entry of the revocation feed, written
 * in the same transaction as the change and its audit row. The key that
 * signs now, or is scheduled to, cannot be withdrawn: nothing would sign.
 */
@Injectable()
export class SigningKeyWithdrawal {
  constructor(
    private readonly db: Database,
    private readonly repo: SigningKeysRepository,
    private readonly ring: KeyRing,
    private readonly config: AppConfig,
    private readonly events: ClusterEvents,
    private readonly feed: RevocationFeedWriter,
    private readonly audit: AuditService,
  ) {}

  async withdraw(actor: AuditActor, kid: string): Promise<void> {
    // Already withdrawn is 404, like every /v1 delete of an object that is gone (it is no longer listed).
    const notFound = (): ProblemError => ProblemError.notFound('No such signing key, or already withdrawn.');
    if (!KID.test(kid)) throw notFound();
    await this.db.transaction(async (tx) => {
      await this.repo.lock(tx);
      const row = await this.repo.findWithdrawable(tx, kid);
      if (!row) throw notFound();
      const key = { activatesAt: row.activates_at, retiredAt: row.retired_at };
      const now = row.now.getTime();
      const state = this.ring.stateOf(key, now);
      if (state === 'active' || state === 'next') throw signsConflict(kid, state, row.activates_at);
      await this.repo.markWithdrawn(tx, kid);
      const until = withdrawalUntil(key, now, this.config.accessTokenTtl, this.ring.jwksMaxAge());
      this.feed.append(tx, { kind: 'kid', value: kid, revoked_at: Math.floor(now / 1000), until });
      await this.audit.record(tx, {
        eventType: 'signing_key.withdrawn',
        outcome: 'success',
        actor,
        subject: { type: 'signing_key', id: kid },
        details: { alg: row.alg, revoked_until: new Date(until * 1000).toISOString() },
      });
      await this.events.publish(tx, { type: SIGNING_KEYS_CHANGED });
    });
    // The answer reflects the withdrawal here; the bus reloads the other instances.
    await this.ring.reload();
  }
}

function signsConflict(kid: string, state: 'active' | 'next', activatesAt: Date): ProblemError {
  const what =
    state === 'active' ? 'signs the tokens issued now' : `is scheduled to sign from ${activatesAt.toISOString()}`;
  return ProblemError.conflict(
    `Signing key ${kid} ${what}. Rotate first with POST /v1/signing-keys/rotate and ` +
      '{"activate_in_seconds": 0}, so that a new key signs at once, then withdraw this one.',
  );
}
