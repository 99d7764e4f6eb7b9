import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';

export interface MfaState {
  username: string | null;
  disabled: boolean;
  mfa_enabled: boolean;
  mfa_pending_secret_enc: Buffer | null;
}

/** SQL of the MFA columns of `users` (enrolment and removal; login checks live in TotpVerifier). */
@Injectable()
export class MfaRepository {
  constructor(private readonly db: Database) {}

  async state(userId: string): Promise<MfaState | undefined> {
    return this.db.one<MfaState>(
      'SELECT username, disabled, mfa_enabled, mfa_pending_secret_enc FROM users WHERE id = $1 AND deleted_at IS NULL',
      [userId],
    );
  }

  /** A new pending secret replaces any earlier one; false when MFA got enabled meanwhile. */
  async setPending(tx: Tx, userId: string, sealed: Buffer): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE users SET mfa_pending_secret_enc = $2, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND NOT mfa_enabled RETURNING id`,
      [userId, sealed],
    );
    return rows.length === 1;
  }

  /**
   * Promotes exactly the pending secret that was checked (compare-and-set:
   * a concurrent restart of enrolment makes this a no-op) and records the
   * matched step as used, so the confirming code cannot log in afterwards.
   */
  async enable(tx: Tx, userId: string, checkedPending: Buffer, step: number): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE users SET mfa_enabled = true, mfa_secret_enc = mfa_pending_secret_enc, mfa_pending_secret_enc = NULL,
         mfa_last_step = $3, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND NOT mfa_enabled AND mfa_pending_secret_enc = $2 RETURNING id`,
      [userId, checkedPending, step],
    );
    return rows.length === 1;
  }

  /** Clears every MFA column; returns whether MFA was on. */
  async disable(tx: Tx, userId: string): Promise<boolean> {
    const [row] = await tx.query<{ was_enabled: boolean }>(
      `UPDATE users u SET mfa_enabled = false, mfa_secret_enc = NULL, mfa_pending_secret_enc = NULL,
                          mfa_last_step = NULL, updated_at = now()
       FROM (SELECT id, mfa_enabled AS was_enabled FROM users WHERE id = $1 FOR UPDATE) old
       WHERE u.id = old.id AND u.deleted_at IS NULL RETURNING old.was_enabled`,
      [userId],
    );
    return row?.was_enabled ?? false;
  }
}
