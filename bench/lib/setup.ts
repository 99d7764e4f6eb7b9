import { Seeded } from './context';
import { BenchDatabase } from './database';
import { INTROSPECTOR_ROLE, seedClient, seedRole, seedUsers, VERIFIER_ROLE } from './seed';

/**
 * Writes the fixtures straight into the migrated database before the service
 * starts, so no in-memory cache of the service has seen an older state.
 */
export async function seedAll(db: BenchDatabase): Promise<Seeded> {
  await seedRole(db, INTROSPECTOR_ROLE, ['tokens:introspect']);
  await seedRole(db, VERIFIER_ROLE, ['tokens:introspect', 'signatures:verify']);
  return {
    cc: await seedClient(db, 'bench-cc', ['reader']),
    introspector: await seedClient(db, 'bench-introspector', [INTROSPECTOR_ROLE]),
    verifier: await seedClient(db, 'bench-verifier', [VERIFIER_ROLE]),
    admin: await seedClient(db, 'bench-admin', ['admin']),
    refreshUsers: await seedUsers(db, 'bench_refresh_', 32, 10),
    loginUsers: await seedUsers(db, 'bench_login_', 8, 12),
  };
}
