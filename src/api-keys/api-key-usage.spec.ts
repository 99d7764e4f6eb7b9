import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RootLogger } from '../common/logging/logging.module';
import { ApiKeyEvents } from './api-key-events';
import { ApiKeyUsage } from './api-key-usage.service';
import { ApiKeysRepository } from './api-keys.repository';

const logger = { warn: () => undefined } as unknown as RootLogger;

describe('ApiKeyUsage', () => {
  it('writes a batch in one statement, and what is pending at shutdown', async () => {
    const batches: string[][] = [];
    const repo = { writeLastUsed: async (ids: string[]) => void batches.push(ids) } as unknown as ApiKeysRepository;
    const usage = new ApiKeyUsage(repo, new ApiKeyEvents(), logger);
    usage.onModuleInit();
    usage.touch('a', null);
    usage.touch('b', null);
    usage.touch('a', null);
    await usage.flush();
    assert.deepEqual(batches, [['a', 'b']]);
    usage.touch('a', null);
    await usage.flush();
    assert.equal(batches.length, 1, 'a later use waits for the minute');
    await usage.beforeApplicationShutdown();
    assert.deepEqual(batches[1], ['a']);
  });

  it('keeps uses after a failed write and retries them', async () => {
    let fail = true;
    const written: string[] = [];
    const repo = {
      writeLastUsed: async (ids: string[]) => {
        if (fail) throw new Error('db down');
        written.push(...ids);
      },
    } as unknown as ApiKeysRepository;
    const usage = new ApiKeyUsage(repo, new ApiKeyEvents(), logger);
    usage.touch('a', null);
    await usage.flush();
    fail = false;
    await usage.flush();
    assert.deepEqual(written, ['a']);
  });
});
