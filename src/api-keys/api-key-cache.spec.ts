import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterEvent, ClusterEvents } from '../revocation/cluster-events.service';
import { REVOCATION_REMOVED } from '../revocation/revocation.types';
import { API_KEY_CHANGED } from './api-key.types';
import { ApiKeyCache } from './api-key-cache.service';
import { ApiKeyRecordRow, ApiKeysRepository } from './api-keys.repository';

function setup() {
  const handlers = new Map<string, (e: ClusterEvent) => void>();
  const events = {
    on: (type: string, h: (e: ClusterEvent) => void) => handlers.set(type, h),
    onSync: () => undefined,
  } as unknown as ClusterEvents;
  const rows = new Map<string, ApiKeyRecordRow>();
  let queries = 0;
  let gate: Promise<void> = Promise.resolve();
  const repo = {
    findRecord: async (lookupId: string) => {
      queries++;
      await gate;
      return rows.get(lookupId);
    },
  } as unknown as ApiKeysRepository;
  const cache = new ApiKeyCache(repo, events);
  cache.onModuleInit();
  const row = (lookupId: string, scope = 'users:read'): ApiKeyRecordRow => ({
    id: `id-${lookupId}`,
    lookup_id: lookupId,
    secret_hash: Buffer.alloc(32),
    scope,
    owner_type: 'user',
    owner_id: 'u',
    owner_client_id: null,
    owner_active: true,
    expires_at: null,
    revoked_at: null,
    grace_expires_at: null,
    last_used_at: null,
  });
  return {
    cache,
    rows,
    row,
    emit: (type: string, e: Record<string, unknown> = {}) => handlers.get(type)?.({ type, ...e }),
    queries: () => queries,
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return release;
    },
  };
}

describe('ApiKeyCache', () => {
  it('loads once, then answers from memory; concurrent misses share one query', async () => {
    const t = setup();
    t.rows.set('a', t.row('a'));
    const [x, y] = await Promise.all([t.cache.get('a'), t.cache.get('a')]);
    assert.equal(x, y);
    for (let i = 0; i < 10; i++) await t.cache.get('a');
    assert.equal(t.queries(), 1);
  });

  it('remembers unknown ids briefly, so repeats cost no query', async () => {
    const t = setup();
    for (let i = 0; i < 10; i++) assert.equal(await t.cache.get('nope'), null);
    assert.equal(t.queries(), 1);
  });

  it('drops a record on api_key.changed and everything on a lifted revocation', async () => {
    const t = setup();
    t.rows.set('a', t.row('a'));
    await t.cache.get('a');
    t.rows.set('a', t.row('a', 'audit:read'));
    t.emit(API_KEY_CHANGED, { lookupId: 'a' });
    assert.deepEqual((await t.cache.get('a'))?.scope, ['audit:read']);
    t.emit(REVOCATION_REMOVED, { kind: 'user_off', subject: 'u' });
    assert.equal(t.cache.size(), 0);
  });

  it('does not cache a load that raced with an invalidation', async () => {
    const t = setup();
    t.rows.set('a', t.row('a'));
    const release = t.hold();
    const pending = t.cache.get('a');
    t.emit(API_KEY_CHANGED, { lookupId: 'a' });
    release();
    await pending;
    assert.equal(t.cache.size(), 0);
  });
});
