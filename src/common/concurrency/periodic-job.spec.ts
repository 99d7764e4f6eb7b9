import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeriodicJob } from './periodic-job';

describe('PeriodicJob', () => {
  it('runs first after the delay, then on the interval, never twice at once', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const job = new PeriodicJob(
      async () => {
        running++;
        most = Math.max(most, running);
        runs++;
        await sleep(35);
        running--;
      },
      { firstDelayMs: 0, intervalMs: 10, onError: () => assert.fail('no error expected') },
    );
    await sleep(150);
    await job.stop();
    assert.equal(most, 1);
    assert.ok(runs >= 2 && runs <= 5, `${runs} runs`);
    assert.equal(running, 0, 'stop() waited for the run in progress');
    const after = runs;
    await sleep(40);
    assert.equal(runs, after, 'no run after stop()');
  });

  it('reports a failed run and keeps its schedule', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const job = new PeriodicJob(
      () => {
        runs++;
        return Promise.reject(new Error(`run ${runs}`));
      },
      { firstDelayMs: 0, intervalMs: 10, onError: (err) => errors.push(err) },
    );
    await sleep(60);
    await job.stop();
    assert.ok(runs >= 2);
    assert.equal(errors.length, runs);
    assert.equal((errors[0] as Error).message, 'run 1');
  });
});
