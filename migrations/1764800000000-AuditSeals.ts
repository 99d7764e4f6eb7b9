import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seals move out of `audit_events` into `audit_seals` (DESIGN.md decision
 * 14): `audit_events` becomes append-only, the sealer INSERTs.
 *
 * Sealing by UPDATE wrote a second version of every row: a non-HOT update
 * into all seven indexes of the table, on the very pages the writers insert
 * into, and a dead version for VACUUM to clean up. A seal row is three
 * columns and two index entries. Writers also lose an index: the partial
 * index of unsealed rows, which every insert entered.
 *
 * The sealer's queue is then "rows above `sealed_below` that have no seal".
 * `sealed_below` is a low watermark on `audit_chain_head`: every row with an
 * id at or below it that ever commits is sealed (see AuditChainRepository).
 * `pending_below`/`pending_at` is the next watermark, taken once every
 * transaction that was open at `pending_at` has ended.
 */
export class AuditSeals1764800000000 implements MigrationInterface {
  name = 'AuditSeals1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // No foreign key: checking it would lock the audit row of every seal; a
    // seal whose row was deleted by hand is a gap that verification reports.
    await q.query(`
      CREATE TABLE audit_seals (
        seq      bigint PRIMARY KEY,
        event_id bigint NOT NULL UNIQUE,
        hash     text NOT NULL
      )`);
    await q.query(`INSERT INTO audit_seals (seq, event_id, hash)
      SELECT seq, id, hash FROM audit_events WHERE seq IS NOT NULL`);
    await q.query(`ALTER TABLE audit_chain_head
      ADD COLUMN sealed_below bigint NOT NULL DEFAULT 0,
      ADD COLUMN pending_below bigint,
      ADD COLUMN pending_at timestamptz`);
    // Below the first unsealed row, every row is sealed.
    await q.query(`UPDATE audit_chain_head SET sealed_below = coalesce(
      (SELECT min(id) - 1 FROM audit_events WHERE seq IS NULL), (SELECT max(id) FROM audit_events), 0)`);
    await q.query(`DROP INDEX audit_events_unsealed_idx`);
    await q.query(`DROP INDEX audit_events_seq_key`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN seq, DROP COLUMN hash`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN seq bigint, ADD COLUMN hash text`);
    await q.query(`UPDATE audit_events e SET seq = s.seq, hash = s.hash FROM audit_seals s WHERE s.event_id = e.id`);
    await q.query(`CREATE UNIQUE INDEX audit_events_seq_key ON audit_events (seq)`);
    await q.query(`CREATE INDEX audit_events_unsealed_idx ON audit_events (id) WHERE seq IS NULL`);
    await q.query(`ALTER TABLE audit_chain_head
      DROP COLUMN sealed_below, DROP COLUMN pending_below, DROP COLUMN pending_at`);
    await q.query(`DROP TABLE audit_seals`);
  }
}
