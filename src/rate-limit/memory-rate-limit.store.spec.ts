import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { MAX_BLOCK_MS, STRIKE_MEMORY_MS } from './rate-limit-store';

const MINUTE = 60_000;

function storeWithClock(start = 1_000_000): { store: MemoryRateLimitStore; advance(ms: number): void } {
  let now = start;
  return { store: new MemoryRateLimitStore(() => now), advance: (ms) => (now += ms) };
}

/** Hits `key` until it is refused; returns how many were allowed. */
async function exhaust(store: MemoryRateLimitStore, key: string, limit: number): Promise<number> {
  let allowed = 0;
  while (!(await store.increment(key, MINUTE, limit, MINUTE, 'test')).isBlocked) allowed += 1;
  return allowed;
}

describe('MemoryRateLimitStore', () => {
  it('allows `limit` hits per window, then blocks, flagging only the first rejection', async () => {
    const { store } = storeWithClock();
    assert.equal(await exhaust(store, 'k', 3), 3);
    const again = await store.increment('k', MINUTE, 3, MINUTE, 'test');
    assert.equal(again.isBlocked, true);
    assert.equal(again.firstRejection, false, 'only the hit that started the block is flagged');
    assert.equal(again.timeToBlockExpire, 60);
    assert.equal((await store.increment('other', MINUTE, 3, MINUTE, 'test')).isBlocked, false, 'keys are independent');
  });

  it('starts a fresh window when the previous one ends', async () => {
    const { store, advance } = storeWithClock();
    for (let i = 0; i < 3; i++) await store.increment('k', MINUTE, 3, MINUTE, 'test');
    advance(MINUTE);
    const fresh = await store.increment('k', MINUTE, 3, MINUTE, 'test');
    assert.deepEqual([fresh.isBlocked, fresh.totalHits], [false, 1]);
  });

  it('doubles the block on each repeated violation, up to the cap', async () => {
    const { store, advance } = storeWithClock();
    const blocks: number[] = [];
    for (let i = 0; i < 6; i++) {
      await exhaust(store, 'k', 2);
      const ms = await store.blockedFor('k');
      blocks.push(ms);
      advance(ms);
      assert.equal(await store.blockedFor('k'), 0);
    }
    assert.deepEqual(blocks, [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, MAX_BLOCK_MS, MAX_BLOCK_MS]);
  });

  it('forgets past violations after a quiet period', async () => {
    const { store, advance } = storeWithClock();
    await exhaust(store, 'k', 1);
    advance(await store.blockedFor('k'));
    await exhaust(store, 'k', 1);
    assert.equal(await store.blockedFor('k'), 2 * MINUTE);
    advance(STRIKE_MEMORY_MS + 1);
    await exhaust(store, 'k', 1);
    assert.equal(await store.blockedFor('k'), MINUTE);
  });

  it('stays bounded under a flood of distinct keys without lifting active blocks', async () => {
    let now = 0;
    const store = new MemoryRateLimitStore(() => now, 100);
    await exhaust(store, 'victim', 1);
    for (let i = 0; i < 1_000; i++) await store.increment(`flood-${i}`, MINUTE, 5, MINUTE, 'test');
    assert.ok(store.size() <= 100, `size ${store.size()}`);
    assert.ok((await store.blockedFor('victim')) > 0, 'the block survived eviction');
    now += 2 * STRIKE_MEMORY_MS;
    await store.increment('late', MINUTE, 5, MINUTE, 'test');
    assert.ok(store.size() <= 2, 'idle slots are swept');
  });
});
