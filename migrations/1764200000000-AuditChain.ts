import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident audit log (DESIGN.md decision 14): `seq` and `hash` on
 * each row, set by the sealer; the chain head (so the next seq and prev hash
 * survive retention deleting every row); signed checkpoints.
 */
export class AuditChain1764200000000 implements MigrationInterface {
  name = 'AuditChain1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN seq bigint, ADD COLUMN hash text`);
    await q.query(`CREATE UNIQUE INDEX audit_events_seq_key ON audit_events (seq)`);
    // The sealer's queue: small, because sealed rows leave it.
    await q.query(`CREATE INDEX audit_events_unsealed_idx ON audit_events (id) WHERE seq IS NULL`);
    await q.query(`
      CREATE TABLE audit_chain_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq       bigint NOT NULL,
        hash      text NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO audit_chain_head (seq, hash) VALUES (0, repeat('0', 64))`);
    await q.query(`
      CREATE TABLE audit_checkpoints (
        seq       bigint PRIMARY KEY,
        hash      text NOT NULL,
        signed_at timestamptz NOT NULL,
        signature text NOT NULL,
        kid       text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_checkpoints`);
    await q.query(`DROP TABLE IF EXISTS audit_chain_head`);
    await q.query(`DROP INDEX IF EXISTS audit_events_unsealed_idx`);
    await q.query(`DROP INDEX IF EXISTS audit_events_seq_key`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN IF EXISTS hash, DROP COLUMN IF EXISTS seq`);
  }
}
