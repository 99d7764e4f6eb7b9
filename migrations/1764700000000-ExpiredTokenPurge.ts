import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expired refresh tokens are deleted (TokenJanitor): a family past its
 * absolute expiry can neither rotate nor be replayed to any effect.
 *
 * - A BRIN index on absolute_expires_at finds them without a full scan and
 *   costs a rotation almost nothing: rows are appended in time order, so a
 *   block range written more than one lifetime ago holds expired rows only.
 * - The self-reference parent_id loses its foreign key: with ON DELETE SET
 *   NULL every deleted token made PostgreSQL look for its children, with no
 *   index to do it (a full scan per row), and every rotation paid a trigger
 *   and a lock on the parent. The column only records lineage: family_id
 *   groups a chain and reuse detection reads consumed_at.
 */
export class ExpiredTokenPurge1764700000000 implements MigrationInterface {
  name = 'ExpiredTokenPurge1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_parent_id_fkey`);
    await q.query(
      `CREATE INDEX refresh_tokens_absolute_expiry_brin ON refresh_tokens USING brin (absolute_expires_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX refresh_tokens_absolute_expiry_brin`);
    // Purged parents left dangling references: the old constraint would refuse them.
    await q.query(`UPDATE refresh_tokens r SET parent_id = NULL
      WHERE parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM refresh_tokens p WHERE p.id = r.parent_id)`);
    await q.query(`ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_parent_id_fkey
      FOREIGN KEY (parent_id) REFERENCES refresh_tokens(id) ON DELETE SET NULL`);
  }
}
