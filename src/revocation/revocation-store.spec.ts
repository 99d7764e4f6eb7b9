import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { timeOrderedUuid } from '../common/crypto/time-ordered-id';
import { Database } from '../database/database.service';
import { ClusterEvent, ClusterEvents } from './cluster-events.service';
import { RevocationStore } from './revocation-store.service';
import { REVOCATION_ADDED, REVOCATION_REMOVED } from './revocation.types';

/** The store over a database whose one query the test answers by hand, and an event bus it drives. */
function setup(): {
  store: RevocationStore;
  emit: (event: ClusterEvent) => void;
  answer: (rows: unknown[]) => void;
} {
  const handlers = new Map<string, (e: ClusterEvent) => void>();
  let answer: (rows: unknown[]) => void = () => undefined;
  const db = { query: () => new Promise((resolve) => (answer = resolve)) } as unknown as Database;
  const events = {
    on: (type: string, h: (e: ClusterEvent) => void) => handlers.set(type, h),
    onSync: () => undefined,
  } as unknown as ClusterEvents;
  const store = new RevocationStore(db, events);
  store.onModuleInit();
  return { store, emit: (e) => handlers.get(e.type)?.(e), answer: (rows) => answer(rows) };
}

describe('RevocationStore', () => {
  it('keeps a revocation announced while a reload query ran (the snapshot predates it)', async () => {
    const t = setup();
    const reload = t.store.reload();
    t.emit({ type: REVOCATION_ADDED, entry: { kind: 'jti', subject: 'late', expiresAt: null } });
    t.answer([{ kind: 'jti', subject: 'early', cutoff: null, expires_at: null }]);
    await reload;
    assert.equal(t.store.isRevoked({ jti: 'late' }), true);
    assert.equal(t.store.isRevoked({ jti: 'early' }), true);
  });

  it('keeps a lift announced while a reload query ran', async () => {
    const t = setup();
    const reload = t.store.reload();
    t.emit({ type: REVOCATION_REMOVED, kind: 'user_off', subject: 'u1' });
    t.answer([{ kind: 'user_off', subject: 'u1', cutoff: null, expires_at: null }]);
    await reload;
    assert.equal(t.store.isRevoked({ userId: 'u1', iat: Number.MAX_SAFE_INTEGER }), false);
  });

  it('applies a user cutoff to the millisecond, loaded from the table', async () => {
    const t = setup();
    const cutoff = new Date(Date.UTC(2026, 10, 28, 12, 0, 0, 500));
    const reload = t.store.reload();
    t.answer([{ kind: 'user', subject: 'u1', cutoff, expires_at: new Date(Date.now() + 60_000) }]);
    await reload;
    const iat = Math.floor(cutoff.getTime() / 1000);
    const token = (ms: number) => ({ userId: 'u1', jti: timeOrderedUuid(ms), iat });
    assert.equal(t.store.isRevoked(token(cutoff.getTime() - 100)), true, 'issued before the disable');
    assert.equal(t.store.isRevoked(token(cutoff.getTime() + 100)), false, 'issued after, same second');
  });

  it('forgets an entry once the token it kills has expired', () => {
    const t = setup();
    t.store.apply({ kind: 'jti', subject: 'gone', expiresAt: Math.floor(Date.now() / 1000) - 1 });
    t.store.apply({ kind: 'jti', subject: 'live', expiresAt: Math.floor(Date.now() / 1000) + 60 });
    assert.equal(t.store.isRevoked({ jti: 'gone' }), false);
    assert.equal(t.store.isRevoked({ jti: 'live' }), true);
  });
});
