import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OncePerWindow } from './once-per-window';

describe('OncePerWindow (the failure damper)', () => {
  it('writes the first failure of a key, counts the rest, and owes one row per closed window', () => {
    const damper = new OncePerWindow<string>(1000);
    assert.deepEqual(damper.admit('ip1', 'r0', 0), { write: true, count: 1 });
    for (let i = 1; i < 200; i++) assert.equal(damper.admit('ip1', `r${i}`, i).write, false);
    assert.deepEqual(damper.drain(999), []);
    assert.deepEqual(damper.drain(1000), [{ key: 'ip1', count: 199, context: 'r199' }]);
    // The owed row opened the next window: the flood goes on, still one row per window.
    assert.equal(damper.admit('ip1', 'r200', 1500).write, false);
    assert.deepEqual(damper.drain(2000), [{ key: 'ip1', count: 1, context: 'r200' }]);
    assert.deepEqual(damper.drain(3000), []);
    assert.equal(damper.size, 0);
  });

  it('keeps keys apart and folds a late drain into the next row', () => {
    const damper = new OncePerWindow<undefined>(1000);
    assert.equal(damper.admit('a', undefined, 0).write, true);
    assert.equal(damper.admit('b', undefined, 0).write, true);
    assert.equal(damper.admit('a', undefined, 10).write, false);
    // Nobody drained: the next admission of `a` after its window carries the count it owes.
    assert.deepEqual(damper.admit('a', undefined, 5000), { write: true, count: 2 });
  });

  it('bounds memory: past maxKeys, new keys share the overflow key', () => {
    const damper = new OncePerWindow<undefined>(1000, 2, (key) => `${key.split('|')[0]}|*`);
    assert.equal(damper.admit('e|1', undefined, 0).write, true);
    assert.equal(damper.admit('e|2', undefined, 0).write, true);
    assert.equal(damper.admit('e|3', undefined, 0).write, true);
    for (let i = 4; i < 100; i++) assert.equal(damper.admit(`e|${i}`, undefined, 0).write, false);
    assert.equal(damper.size, 3);
    assert.deepEqual(
      damper.drain(1000).map((o) => [o.key, o.count]),
      [['e|*', 96]],
    );
  });
});
