import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-step rotation: a key is published from `created_at`, signs from
 * `activates_at` until `retired_at`, and verifies until `retired_at` plus
 * the access-token lifetime. Its state (next, active, retiring) follows from
 * those times, so every instance switches at the same instant without being
 * told; a stored state column would go stale between two writes.
 */
export class TwoStepSigningKeyRotation1764000000000 implements MigrationInterface {
  name = 'TwoStepSigningKeyRotation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz`);
    await q.query(`UPDATE signing_keys SET activates_at = created_at`);
    await q.query(
      `ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL, ALTER COLUMN activates_at SET DEFAULT now()`,
    );
    // Keys already retiring keep their retirement time; EdDSA keys (dropped from the contract) stop signing now.
    await q.query(
      `UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL AND alg NOT IN ('RS256', 'ES256')`,
    );
    await q.query(`ALTER TABLE signing_keys DROP COLUMN state`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE signing_keys ADD COLUMN state text NOT NULL DEFAULT 'active'
         CHECK (state IN ('active', 'retiring'))`,
    );
    await q.query(`UPDATE signing_keys SET state = 'retiring' WHERE retired_at IS NOT NULL`);
    await q.query(`ALTER TABLE signing_keys ALTER COLUMN state DROP DEFAULT`);
    await q.query(`ALTER TABLE signing_keys DROP COLUMN activates_at`);
  }
}
