import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import type { PermissionCache } from './permission-cache.service';
import { RbacPolicy } from './rbac-policy.service';
import type { RolesRepository } from './roles.repository';

const USER_ID = '6b13d923-18d4-4843-b1b2-f0fa48d319ed';
const ROLE_PERMISSIONS: Record<string, string[]> = { ops: ['users:read', 'roles:write'], auditor: ['audit:read'] };

function policy(): { policy: RbacPolicy; asked: string[] } {
  const asked: string[] = [];
  const roles = {
    rolesOfUser: async (id: string) => (asked.push(`user:${id}`), id === USER_ID ? ['ops'] : []),
    rolesOfClient: async (id: string) => (asked.push(`client:${id}`), ['auditor']),
  } as unknown as RolesRepository;
  const cache = {
    permissionsOf: async (names: Iterable<string>) => new Set([...names].flatMap((n) => ROLE_PERMISSIONS[n] ?? [])),
  } as unknown as PermissionCache;
  return { policy: new RbacPolicy(roles, cache), asked };
}

const principal = (p: Partial<Principal>): Principal => ({
  kind: 'user',
  id: USER_ID,
  permissions: new Set(),
  amr: [],
  ...p,
});
const isForbidden = (e: unknown): boolean => e instanceof ProblemError && e.status === 403;

describe('RbacPolicy', () => {
  it('judges users by their token scope intersected with their current roles', async () => {
    const { policy: p } = policy();
    // Roles now give roles:write and users:read; the token carries users:write (role since removed) and users:read.
    const stale = principal({ permissions: new Set(['users:write', 'users:read']) });
    assert.deepEqual([...(await p.held(stale))].sort(), ['users:read']);
    await p.assertCanGrant(stale, ['users:read']);
    await assert.rejects(p.assertCanGrant(stale, ['users:write']), isForbidden, 'a role removed since login');
    await assert.rejects(p.assertCanGrant(stale, ['roles:write']), isForbidden, 'beyond the token scope');
  });

  it('gives an unnarrowed token what its roles give now; a narrowed one stays narrowed', async () => {
    const { policy: p } = policy();
    // Roles now give users:read and roles:write; the token was issued before roles:write was added.
    const full = principal({ permissions: new Set(['users:read']), scopeNarrowed: false });
    assert.deepEqual([...(await p.held(full))].sort(), ['roles:write', 'users:read']);
    const narrowed = principal({ permissions: new Set(['users:read']), scopeNarrowed: true });
    assert.deepEqual([...(await p.held(narrowed))], ['users:read']);
    // Tokens from before the claim existed read as narrowed.
    assert.deepEqual([...(await p.held(principal({ permissions: new Set(['users:read']) })))], ['users:read']);
  });

  it('refuses to act on a principal holding more than the caller', () => {
    const { policy: p } = policy();
    p.assertNotOutranked(new Set(['a:b', 'c:d']), ['a:b']);
    assert.throws(
      () => p.assertNotOutranked(new Set(['a:b']), ['a:b', 'c:d']),
      (e: unknown) => isForbidden(e) && (e as ProblemError).detail.includes('c:d'),
    );
  });

  it('never queries with a malformed user id', async () => {
    const { policy: p, asked } = policy();
    assert.equal((await p.held(principal({ id: "x' OR 1=1" }))).size, 0);
    assert.deepEqual(asked, []);
  });

  it('judges clients by their roles and API keys by their own scope', async () => {
    const { policy: p, asked } = policy();
    const client = principal({
      kind: 'client',
      id: 'svc',
      clientId: 'svc',
      permissions: new Set(['audit:read', 'users:read']),
    });
    assert.deepEqual([...(await p.held(client))], ['audit:read']);
    assert.deepEqual(asked, ['client:svc']);
    const key = principal({ kind: 'api_key', id: 'k1', permissions: new Set(['kafka:create']) });
    assert.deepEqual([...(await p.held(key))], ['kafka:create']);
    await assert.rejects(p.assertCanAssignRoles(key, ['auditor']), isForbidden);
  });

  it('allows granting nothing, and names what is missing', async () => {
    const { policy: p } = policy();
    await p.assertCanGrant(principal({ id: 'nobody' }), []);
    assert.throws(
      () => p.assertWithin(new Set(['a:b']), ['a:b', 'c:d', 'e:f']),
      (e: unknown) => isForbidden(e) && (e as ProblemError).detail.includes('c:d, e:f'),
    );
  });
});
