import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FairQueue, QueueFull } from './fair-queue';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('FairQueue', () => {
  it('serves keys round robin: a newcomer is not queued behind a flood', async () => {
    const queue = new FairQueue(1, 60_000, 1);
    const order: string[] = [];
    const task = (name: string) => () => sleep(2).then(() => void order.push(name));
    const flood = Array.from({ length: 6 }, (_, i) => queue.run('flood', task(`f${i}`)));
    const other = queue.run('other', task('o'));
    await Promise.all([...flood, other]);
    // f0 was running; then the ring alternates: f1, o, f2...
    assert.ok(order.indexOf('o') <= 2, `served at ${order.indexOf('o')}: ${order.join(',')}`);
    assert.equal(order.length, 7);
  });

  it('refuses at once what the estimate says would wait too long, and never more than the cap per slot', async () => {
    const queue = new FairQueue(1, 100, 50);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => queue.run('flood', () => sleep(50))));
    const refused = results.filter((r) => r.status === 'rejected');
    assert.ok(refused.length >= 15, `refused ${refused.length}`);
    for (const r of refused) assert.ok((r as PromiseRejectedResult).reason instanceof QueueFull);
    assert.ok((refused[0] as PromiseRejectedResult).reason.retryAfterSeconds >= 1);
    assert.equal(queue.queued, 0);
  });

  it('refuses a waiter whose deadline passes in the queue and frees its place', async () => {
    // The estimate (1 ms tasks) admits; the real task takes far longer, so the deadline fires.
    const queue = new FairQueue(1, 30, 1);
    const running = queue.run('a', () => sleep(120));
    const waiting = queue.run('b', () => Promise.resolve('ran'));
    await assert.rejects(waiting, QueueFull);
    assert.equal(queue.queued, 0);
    await running;
    assert.equal(await queue.run('b', () => Promise.resolve('ran')), 'ran');
  });

  it('lets unbounded (internal) work wait without refusal', async () => {
    const queue = new FairQueue(1, 10, 50);
    const task = (i: number) => () => sleep(15).then(() => i);
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => queue.run('internal', task(i), false)));
    assert.deepEqual(results, [0, 1, 2, 3]);
  });
});
