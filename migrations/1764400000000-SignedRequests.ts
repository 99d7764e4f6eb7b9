import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFC 9421 signed requests (API.md "Signed requests"): per-client signing
 * secrets, stored only AES-256-GCM encrypted (an HMAC key must be usable,
 * so it cannot be hashed), and the nonces already seen, shared by every
 * instance when there is no Redis. The nonce table's primary key is what
 * makes "seen once" atomic across instances.
 */
export class SignedRequests1764400000000 implements MigrationInterface {
  name = 'SignedRequests1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client_signing_secrets (
        keyid      text PRIMARY KEY,
        client_id  uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        secret_enc bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX client_signing_secrets_client_idx ON client_signing_secrets (client_id, created_at)`);
    await q.query(`
      CREATE TABLE signature_nonces (
        keyid      text NOT NULL,
        nonce      text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (keyid, nonce)
      )`);
    await q.query(`CREATE INDEX signature_nonces_expiry_idx ON signature_nonces (expires_at)`);
    await q.query(
      `INSERT INTO permissions (name, description, built_in)
       VALUES ('signatures:verify', 'Verify RFC 9421 request signatures', true)
       ON CONFLICT (name) DO UPDATE SET built_in = true`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM permissions WHERE name = 'signatures:verify'`);
    await q.query(`DROP TABLE signature_nonces`);
    await q.query(`DROP TABLE client_signing_secrets`);
  }
}
