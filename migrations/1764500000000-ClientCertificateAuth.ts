import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFC 8705 client authentication: how a client authenticates at the token,
 * introspection and revocation endpoints, and, for the certificate methods,
 * what its certificate must show (a subject DN or a DNS SAN for
 * tls_client_auth, public keys for self_signed_tls_client_auth). NULL is the
 * default of the client's kind (a secret when confidential, none when public),
 * so existing rows and inserts that do not name a method keep what they did.
 */
export class ClientCertificateAuth1764500000000 implements MigrationInterface {
  name = 'ClientCertificateAuth1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE clients
      ADD COLUMN token_endpoint_auth_method text,
      ADD COLUMN tls_client_auth_subject_dn text,
      ADD COLUMN tls_client_auth_san_dns text,
      ADD COLUMN jwks jsonb`);
    await q.query(`ALTER TABLE clients
      ADD CONSTRAINT clients_auth_method_check CHECK (token_endpoint_auth_method IN
        ('client_secret_basic', 'client_secret_post', 'none', 'tls_client_auth', 'self_signed_tls_client_auth')),
      ADD CONSTRAINT clients_certificate_binding_check CHECK (
        (token_endpoint_auth_method <> 'tls_client_auth'
          OR (tls_client_auth_subject_dn IS NULL) <> (tls_client_auth_san_dns IS NULL))
        AND (token_endpoint_auth_method <> 'self_signed_tls_client_auth' OR jwks IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE clients DROP CONSTRAINT clients_certificate_binding_check,
      DROP CONSTRAINT clients_auth_method_check, DROP COLUMN jwks, DROP COLUMN tls_client_auth_san_dns,
      DROP COLUMN tls_client_auth_subject_dn, DROP COLUMN token_endpoint_auth_method`);
  }
}
