import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit, Settled } from './group-commit';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('GroupCommit', () => {
  it('hands items submitted in one turn to one group, each settled with its own outcome', async () => {
    const groups: number[][] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        groups.push(items);
        return items.map((n): Settled<number> => (n % 2 ? { ok: true, value: n * 10 } : { ok: false, error: n }));
      },
      { maxGroup: 10, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => gc.submit(n)));
    assert.deepEqual(groups, [[1, 2, 3]]);
    assert.deepEqual(results, [
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: 2 },
      { status: 'fulfilled', value: 30 },
    ]);
  });

  it('grows the next group while slots are busy, never past maxGroup, in flight never past maxInFlight', async () => {
    const gate = deferred();
    const groups: number[][] = [];
    let running = 0;
    let peak = 0;
    const gc = new GroupCommit<number, void>(
      async (items) => {
        groups.push(items);
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        return items.map(() => ({ ok: true, value: undefined }));
      },
      { maxGroup: 3, maxInFlight: 1 },
    );
    const first = gc.submit(0);
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3, 4, 5].map((n) => gc.submit(n));
    assert.equal(gc.pending, 5);
    gate.resolve();
    await Promise.all([first, ...rest]);
    assert.deepEqual(groups, [[0], [1, 2, 3], [4, 5]]);
    assert.equal(peak, 1);
  });

  it('fails every item of a group whose work fails, and goes on with the next group', async () => {
    let calls = 0;
    const gc = new GroupCommit<string, string>(
      async (items) => {
        calls++;
        if (calls === 1) throw new Error('connection lost');
        return items.map((value) => ({ ok: true, value }));
      },
      { maxGroup: 10, maxInFlight: 1 },
    );
    const failed = await Promise.allSettled([gc.submit('a'), gc.submit('b')]);
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(await gc.submit('c'), 'c');
  });

  it('never puts two items with one key in one group or in two groups at once', async () => {
    const gates = [deferred(), deferred()];
    const groups: string[][] = [];
    const gc = new GroupCommit<string, string>(
      async (items) => {
        const index = groups.push(items) - 1;
        if (index < gates.length) await gates[index].promise;
        return items.map((value) => ({ ok: true, value }));
      },
      { maxGroup: 10, maxInFlight: 2, keyOf: (item) => item.slice(0, 1) },
    );
    const all = ['a1', 'a2', 'b1'].map((item) => gc.submit(item));
    await new Promise((r) => setImmediate(r));
    // a2 shares its key with a1, which is in flight: it waits although a slot is free.
    assert.deepEqual(groups, [['a1', 'b1']]);
    assert.equal(gc.pending, 1);
    gates[0].resolve();
    gates[1].resolve();
    assert.deepEqual(await Promise.all(all), ['a1', 'a2', 'b1']);
    assert.deepEqual(groups, [['a1', 'b1'], ['a2']]);
  });
});
