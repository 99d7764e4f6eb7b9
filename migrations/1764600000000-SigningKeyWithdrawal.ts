import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Withdrawal of a compromised signing key (DELETE /v1/signing-keys/{kid}).
 * A withdrawn key keeps its row (kid, public key, times: what the audit and
 * an investigation need) but loses its private part for good: the check ties
 * the two, so no row can be withdrawn and still able to sign.
 */
export class SigningKeyWithdrawal1764600000000 implements MigrationInterface {
  name = 'SigningKeyWithdrawal1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signing_keys
      ADD COLUMN withdrawn_at timestamptz,
      ALTER COLUMN private_key_enc DROP NOT NULL`);
    await q.query(`ALTER TABLE signing_keys
      ADD CONSTRAINT signing_keys_withdrawn_check CHECK ((withdrawn_at IS NULL) = (private_key_enc IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The older schema cannot hold a key without its private part: those rows go, their kids stay unknown.
    await q.query(`DELETE FROM signing_keys WHERE withdrawn_at IS NOT NULL`);
    await q.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_withdrawn_check,
      ALTER COLUMN private_key_enc SET NOT NULL, DROP COLUMN withdrawn_at`);
  }
}
