import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The revocation feed (a durable, ordered log read by resource services
 * through GET /oauth/revocations[/stream]) and the per-client audience
 * allow-list of RFC 8693 token exchange.
 */
export class RevocationFeedAndTokenExchange1764300000000 implements MigrationInterface {
  name = 'RevocationFeedAndTokenExchange1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // `id` is the public cursor. Rows are appended under a transaction-level advisory lock held
    // until COMMIT, so ids become visible in ascending order and a reader never skips one.
    await q.query(`
      CREATE TABLE revocation_feed (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind       text NOT NULL CHECK (kind IN ('jti', 'sid', 'sub', 'api_key', 'kid')),
        value      text NOT NULL,
        revoked_at timestamptz NOT NULL,
        until      timestamptz
      )`);
    await q.query(`CREATE INDEX revocation_feed_until_idx ON revocation_feed (until) WHERE until IS NOT NULL`);
    await q.query(`ALTER TABLE clients ADD COLUMN token_exchange_audiences text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE clients DROP COLUMN token_exchange_audiences`);
    await q.query(`DROP TABLE revocation_feed`);
  }
}
