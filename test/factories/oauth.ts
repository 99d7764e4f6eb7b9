import { Database } from '../../src/database/database.service';
import { PermissionCache } from '../../src/rbac/permission-cache.service';
import { TestApp } from '../support/test-app';
import { createClient, TestClient, unique } from './index';

/** A custom role holding `permissions`, created with SQL (the RBAC API is tested elsewhere). */
export async function createRole(app: TestApp, permissions: string[]): Promise<string> {
  const name = unique('role_');
  const db = app.get(Database);
  await db.query('INSERT INTO roles (name) VALUES ($1)', [name]);
  await db.query('INSERT INTO role_permissions (role_name, permission_name) SELECT $1, unnest($2::text[])', [
    name,
    permissions,
  ]);
  app.get(PermissionCache).invalidate();
  return name;
}

/** A confidential service client allowed to introspect (and optionally revoke any token). */
export async function introspectorClient(app: TestApp, permissions = ['tokens:introspect']): Promise<TestClient> {
  return createClient(app, { roles: [await createRole(app, permissions)] });
}
