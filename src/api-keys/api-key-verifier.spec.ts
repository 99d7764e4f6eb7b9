import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticators } from '../common/auth/authenticators';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { Database } from '../database/database.service';
import { RevocationStore } from '../revocation/revocation-store.service';
import { ApiKeyRecord } from './api-key.types';
import { ApiKeyCache } from './api-key-cache.service';
import { ApiKeyEvents, KeyFailure } from './api-key-events';
import { newApiKey } from './api-key-format';
import { ApiKeyVerifier } from './api-key-verifier.service';
import { OwnerPermissions } from './owner-permissions.service';

describe('ApiKeyVerifier', () => {
  const fresh = newApiKey();
  let record: ApiKeyRecord;
  let store: RevocationStore;
  let failures: KeyFailure[];
  let touched: string[];
  let verifier: ApiKeyVerifier;
  let warm: boolean;

  beforeEach(() => {
    record = {
      id: 'key-1',
      lookupId: fresh.lookupId,
      secretHash: fresh.secretHash,
      scope: ['audit:read', 'users:read', 'users:write'],
      owner: { type: 'user', id: 'user-1' },
      ownerClientId: null,
      ownerActive: true,
      expiresAt: null,
      revokedAt: null,
      graceExpiresAt: null,
      lastUsedAt: null,
    };
    store = new RevocationStore({} as Database, {} as ClusterEvents);
    failures = [];
    touched = [];
    // Misses first (peek/cached answer undefined): the loads then answer, as on a cold instance.
    warm = false;
    const held = new Set(['users:read', 'users:write', 'roles:read']);
    const cache = {
      peek: (id: string) => (warm ? (id === record.lookupId ? record : null) : undefined),
      get: async (id: string) => (id === record.lookupId ? record : null),
    } as unknown as ApiKeyCache;
    const owners = { cached: () => (warm ? held : undefined), of: async () => held } as unknown as OwnerPermissions;
    const events = new ApiKeyEvents();
    events.onUsed((use) => touched.push(use.id));
    events.onFailed((f) => failures.push(f));
    const authenticators = new Authenticators({ isFresh: () => true } as unknown as ClusterEvents);
    verifier = new ApiKeyVerifier(cache, store, owners, events, authenticators);
  });

  it('introspects an active key as RFC 7662 with scope ∩ owner permissions', async () => {
    assert.deepEqual(await verifier.introspectApiKey(fresh.key), {
      active: true,
      token_type: 'api_key',
      sub: 'key-1',
      owner_type: 'user',
      owner_id: 'user-1',
      scope: 'users:read users:write',
    });
    assert.deepEqual(touched, ['key-1']);
  });

  it('answers from memory without a promise once the record and the owner are cached', async () => {
    warm = true;
    const answer = verifier.introspectApiKey(fresh.key);
    assert.ok(!(answer instanceof Promise));
    assert.equal(answer?.scope, 'users:read users:write');
    assert.equal(verifier.introspectApiKey(newApiKey().key), null, 'a cached unknown lookup id, also at once');
    assert.deepEqual(touched, ['key-1']);
  });

  it('reports exp as the earlier of expiry and grace end', async () => {
    record.expiresAt = Date.now() + 100_000;
    record.graceExpiresAt = Date.now() + 10_000;
    const answer = await verifier.introspectApiKey(fresh.key);
    assert.equal(answer?.exp, Math.floor(record.graceExpiresAt / 1000));
  });

  it('answers null for wrong, unknown, malformed, revoked, expired, rotated-out keys and off owners', async () => {
    const wrongSecret = fresh.key.slice(0, -2) + (fresh.key.endsWith('AA') ? 'BB' : 'AA');
    assert.equal(await verifier.introspectApiKey(wrongSecret), null);
    assert.equal(await verifier.introspectApiKey(newApiKey().key), null);
    assert.equal(await verifier.introspectApiKey('ak_garbage'), null);
    const cases: [string, () => void][] = [
      ['expired', () => (record.expiresAt = Date.now() - 1)],
      ['rotated', () => (record.graceExpiresAt = Date.now() - 1)],
      ['revoked row', () => (record.revokedAt = Date.now())],
      ['revocation set', () => store.apply({ kind: 'api_key', subject: 'key-1' })],
      ['user off', () => store.apply({ kind: 'user_off', subject: 'user-1' })],
    ];
    for (const [name, spoil] of cases) {
      const saved = { ...record };
      spoil();
      assert.equal(await verifier.introspectApiKey(fresh.key), null, name);
      record = saved;
      store = new RevocationStore({} as Database, {} as ClusterEvents);
      (verifier as unknown as { revocations: RevocationStore }).revocations = store;
    }
    assert.equal(failures.length, 0, 'introspection never writes auth failures');
    assert.deepEqual(touched, []);
  });

  it('keeps a key alive through a user cutoff (sessions), not through user_off', async () => {
    store.apply({ kind: 'user', subject: 'user-1', cutoffMs: Date.now() + 60_000 });
    assert.ok(await verifier.authenticateApiKey(fresh.key));
  });

  it('checks a client owner against the revocation set by public client_id', async () => {
    record.owner = { type: 'client', id: 'client-uuid' };
    record.ownerClientId = 'svc_1';
    assert.ok(await verifier.introspectApiKey(fresh.key));
    store.apply({ kind: 'client', subject: 'svc_1' });
    assert.equal(await verifier.introspectApiKey(fresh.key), null);
  });

  it('authenticates to an api_key principal and records failures with their reason', async () => {
    const principal = await verifier.authenticateApiKey(fresh.key);
    assert.equal(principal?.kind, 'api_key');
    assert.equal(principal?.id, 'key-1');
    assert.deepEqual([...(principal?.permissions ?? [])].sort(), ['users:read', 'users:write']);
    assert.deepEqual(principal?.amr, []);
    assert.deepEqual(principal?.owner, { type: 'user', id: 'user-1' });
    assert.equal(await verifier.authenticateApiKey('nonsense'), null);
    record.revokedAt = Date.now();
    assert.equal(await verifier.authenticateApiKey(fresh.key), null);
    assert.deepEqual(
      failures.map((f) => f.reason),
      ['malformed', 'revoked'],
    );
    assert.equal(failures[1].keyId, 'key-1');
  });
});
