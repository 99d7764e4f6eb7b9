import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cache } from './cache';

class FakeClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

/** A load the test finishes by hand, to order it against invalidations. */
function deferred<V>(): { promise: Promise<V>; resolve: (v: V) => void; reject: (e: Error) => void } {
  let resolve!: (v: V) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Cache', () => {
  it('serves a value until its TTL runs out, per value', () => {
    const clock = new FakeClock();
    const cache = new Cache<string, string | null>({ max: 10, ttl: (v) => (v === null ? 5_000 : undefined), clock });
    cache.set('known', 'value');
    cache.set('absent', null);
    clock.t += 4_999;
    assert.equal(cache.get('absent'), null);
    clock.t += 2;
    assert.equal(cache.get('absent'), undefined, 'negative entry expired');
    clock.t += 10_000_000;
    assert.equal(cache.get('known'), 'value', 'no TTL: kept until invalidated');
  });

  it('does not keep a value whose TTL is already over', () => {
    const cache = new Cache<string, number>({ max: 10, ttl: (exp) => exp });
    cache.set('expired', 0);
    cache.set('negative', -5);
    assert.equal(cache.size, 0);
  });

  it('keeps at most max entries, dropping the least recently used', () => {
    const cache = new Cache<string, number>({ max: 3 });
    for (const k of ['a', 'b', 'c']) cache.set(k, 1);
    cache.get('a');
    cache.set('d', 1);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b'), undefined, 'least recently used went first');
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('d'), 1);
  });

  it('keeps known-absent keys apart, so a flood of them cannot evict real entries', () => {
    const cache = new Cache<string, string | null>({ max: 2, maxAbsent: 2 });
    cache.set('real', 'v');
    for (let i = 0; i < 100; i++) cache.set(`garbage-${i}`, null);
    assert.equal(cache.get('real'), 'v');
    assert.equal(cache.get('garbage-99'), null);
    assert.equal(cache.get('garbage-0'), undefined);
    assert.equal(cache.size, 3);
    cache.set('garbage-99', 'now it exists');
    assert.equal(cache.get('garbage-99'), 'now it exists');
  });

  it('with max Infinity (a replica) drops nothing for room, only what expired', () => {
    const clock = new FakeClock();
    const ttl = (until: number): number | undefined => (until ? until - clock.now() : undefined);
    const cache = new Cache<string, number>({ max: Infinity, ttl, clock });
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, 0);
    cache.set('short', clock.now() + 1_000);
    assert.equal(cache.size, 10_001);
    clock.t += 1_001;
    assert.equal(cache.get('short'), undefined);
    cache.set('short2', clock.now() + 1);
    clock.t += 2;
    cache.sweep();
    assert.equal(cache.size, 10_000);
    assert.equal(cache.get('k0'), 0);
  });

  it('gives concurrent misses on one key a single load', async () => {
    const cache = new Cache<string, string>({ max: 10 });
    let loads = 0;
    const load = deferred<string>();
    const all = Promise.all(
      Array.from({ length: 50 }, () =>
        cache.getOrLoad('k', () => {
          loads++;
          return load.promise;
        }),
      ),
    );
    load.resolve('v');
    assert.deepEqual(new Set(await all), new Set(['v']));
    assert.equal(loads, 1);
    assert.equal(await cache.getOrLoad('k', () => Promise.reject(new Error('not called'))), 'v');
  });

  it('returns but does not keep a load that an invalidation overtook', async () => {
    const cache = new Cache<string, string>({ max: 10 });
    const stale = deferred<string>();
    const first = cache.getOrLoad('k', () => stale.promise);
    cache.delete('k'); // the change is announced while the query runs
    // A caller after the invalidation does not join the stale load.
    const fresh = cache.getOrLoad('k', () => Promise.resolve('new'));
    stale.resolve('old');
    assert.equal(await first, 'old');
    assert.equal(await fresh, 'new');
    assert.equal(cache.get('k'), 'new', 'the stale answer did not overwrite the fresh one');
  });

  it('does not keep a load overtaken by clear()', async () => {
    const cache = new Cache<string, string>({ max: 10 });
    const stale = deferred<string>();
    const first = cache.getOrLoad('k', () => stale.promise);
    cache.clear();
    stale.resolve('old');
    assert.equal(await first, 'old');
    assert.equal(cache.get('k'), undefined);
  });

  it('keeps no failed load: the next caller loads again', async () => {
    const cache = new Cache<string, string>({ max: 10 });
    await assert.rejects(cache.getOrLoad('k', () => Promise.reject(new Error('database down'))));
    assert.equal(await cache.getOrLoad('k', () => Promise.resolve('v')), 'v');
    assert.equal(cache.get('k'), 'v');
  });
});
