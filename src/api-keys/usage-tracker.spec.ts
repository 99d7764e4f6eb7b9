import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageTracker } from './usage-tracker';

describe('UsageTracker', () => {
  it('makes a first use due at once, later uses at most once per interval', () => {
    const t = new UsageTracker(60_000);
    t.touch('a', null, 1000);
    assert.deepEqual(t.take(1000), [{ id: 'a', at: new Date(1000) }]);
    t.touch('a', null, 2000);
    t.touch('a', null, 30_000);
    assert.deepEqual(t.take(30_000), []);
    assert.deepEqual(t.take(61_000), [{ id: 'a', at: new Date(30_000) }]);
    assert.deepEqual(t.take(200_000), []);
    assert.equal(t.size(), 0, 'quiet keys are forgotten');
  });

  it('respects a recent last_used_at known from the database', () => {
    const t = new UsageTracker(60_000);
    t.touch('a', 50_000, 70_000);
    assert.deepEqual(t.take(70_000), []);
    assert.equal(t.take(110_000).length, 1);
  });

  it('writes everything pending when asked (shutdown), and retries failed batches', () => {
    const t = new UsageTracker(60_000);
    t.touch('a', null, 1000);
    t.take(1000);
    t.touch('a', null, 2000);
    const all = t.take(2000, true);
    assert.equal(all.length, 1);
    t.restore(all);
    assert.deepEqual(t.take(2001), [{ id: 'a', at: new Date(2000) }]);
  });
});
