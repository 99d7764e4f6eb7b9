import type Redis from 'ioredis';

interface Pending {
  key: string;
  until: number;
  resolve(first: boolean): void;
  reject(err: unknown): void;
}

/**
 * `SET key 1 EXAT until NX` for every nonce met in one turn of the event
 * loop, sent as one pipeline: one socket write for all of them instead of
 * one each (the write was the largest single cost of a verification under
 * load). Each answer is its own: an error fails only its command, and a
 * failed pipeline fails each of them, so the caller falls back per nonce.
 * The batch goes out after the I/O callbacks of the current turn
 * (setImmediate): every request read in that turn joins it.
 */
export class RedisSetBatch {
  private queue: Pending[] = [];

  constructor(private readonly client: Redis) {}

  /** True when the key was not set (first use), false when it already was. */
  setIfAbsent(key: string, until: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ key, until, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    const pipeline = this.client.pipeline();
    for (const p of batch) pipeline.set(p.key, '1', 'EXAT', p.until, 'NX');
    pipeline.exec().then(
      (results) =>
        batch.forEach((p, i) => {
          const [err, reply] = results?.[i] ?? [new Error('no reply'), null];
          if (err) p.reject(err);
          else p.resolve(reply === 'OK');
        }),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }
}
