import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { MfaSecrets } from './mfa-secrets.service';
import { matchTotp } from './totp';

export type OtpCheck = 'ok' | 'invalid' | 'replayed';

/**
 * Verifies a login TOTP and consumes its time step in one conditional
 * UPDATE, so a code (or an older one) is accepted at most once, even by
 * parallel requests.
 */
@Injectable()
export class TotpVerifier {
  constructor(
    private readonly db: Database,
    private readonly secrets: MfaSecrets,
  ) {}

  async verifyAndConsume(user: { id: string; mfa_secret_enc: Buffer | null }, code: string): Promise<OtpCheck> {
    if (!user.mfa_secret_enc) return 'invalid';
    const step = matchTotp(this.secrets.open(user.id, user.mfa_secret_enc), code);
    if (step === null) return 'invalid';
    const rows = await this.db.query(
      `UPDATE users SET mfa_last_step = $2
       WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2) RETURNING id`,
      [user.id, step],
    );
    return rows.length === 1 ? 'ok' : 'replayed';
  }
}
