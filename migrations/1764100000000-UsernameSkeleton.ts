import { MigrationInterface, QueryRunner } from 'typeorm';
import { usernameSkeleton } from '../src/users/username';

/**
 * `users.username_skeleton`: the confusable skeleton (Unicode TS #39) of the
 * username, unique, so two concurrent creates of `alice` and `аlice`
 * (Cyrillic а) cannot both win. Existing rows are backfilled oldest first;
 * a later account whose skeleton collides with an earlier one keeps NULL
 * (it keeps working; only new look-alikes are refused).
 */
export class UsernameSkeleton1764100000000 implements MigrationInterface {
  name = 'UsernameSkeleton1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ADD COLUMN username_skeleton text UNIQUE');
    const rows = (await q.query(
      'SELECT id, username FROM users WHERE username IS NOT NULL ORDER BY created_at, id',
    )) as { id: string; username: string }[];
    const taken = new Set<string>();
    for (const row of rows) {
      const key = usernameSkeleton(row.username);
      if (taken.has(key)) continue;
      taken.add(key);
      await q.query('UPDATE users SET username_skeleton = $2 WHERE id = $1', [row.id, key]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN username_skeleton');
  }
}
