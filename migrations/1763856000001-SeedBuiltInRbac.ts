import { MigrationInterface, QueryRunner } from 'typeorm';

const BUILT_IN_PERMISSIONS: [string, string][] = [
  ['users:read', 'Read users'],
  ['users:write', 'Create, update, disable, unlock and erase users; assign roles'],
  ['roles:read', 'Read roles and permissions'],
  ['roles:write', 'Create, update and delete roles and custom permissions'],
  ['clients:read', 'Read OAuth clients'],
  ['clients:write', 'Create and delete OAuth clients; rotate their secrets'],
  ['api_keys:read', 'Read API key metadata'],
  ['api_keys:write', 'Create, rotate and revoke API keys'],
  ['audit:read', 'Read audit events'],
  ['signing_keys:write', 'List and rotate token signing keys'],
  ['tokens:introspect', 'Introspect tokens and API keys (RFC 7662)'],
  ['tokens:revoke', 'Revoke any token (RFC 7009)'],
];

/** Built-in permissions and roles. `admin` holds every permission, custom ones included. */
export class SeedBuiltInRbac1763856000001 implements MigrationInterface {
  name = 'SeedBuiltInRbac1763856000001';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, description] of BUILT_IN_PERMISSIONS) {
      await q.query(`INSERT INTO permissions (name, description, built_in) VALUES ($1, $2, true)`, [name, description]);
    }
    await q.query(
      `INSERT INTO roles (name, description, built_in, all_permissions) VALUES
        ('admin', 'Every permission, custom ones included', true, true),
        ('user', 'A signed-in user with no administrative permission', true, false),
        ('reader', 'Read-only access to the admin API', true, false)`,
    );
    await q.query(
      `INSERT INTO role_permissions (role_name, permission_name)
       SELECT 'reader', name FROM permissions WHERE built_in AND name LIKE '%:read'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM roles WHERE built_in`);
    await q.query(`DELETE FROM permissions WHERE built_in`);
  }
}
