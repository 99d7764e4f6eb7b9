/** Thrown by FairQueue.run when a task would wait longer than the queue's maximum. */
export class QueueFull extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('queue full');
    this.name = 'QueueFull';
  }
}

interface Waiter {
  start: () => void;
  timer?: NodeJS.Timeout;
}

/**
 * At most `concurrency` tasks at once; the rest wait in one FIFO per key
 * (a client IP), served round robin between keys. So a source with 100
 * queued logins delays another source's login by one task per concurrency
 * slot, not by 100.
 *
 * A task that would wait longer than `maxWaitMs` is refused with QueueFull:
 * at once when the estimate (tasks served before it x the moving average
 * task time / concurrency) says so, or when its deadline passes in the
 * queue (the estimate can be wrong). Nothing waits longer than `maxWaitMs`.
 */
export class FairQueue {
  private active = 0;
  private readonly queues = new Map<string, Waiter[]>();
  /** Keys with waiters, in round-robin order (the next to serve first). */
  private readonly ring: string[] = [];
  /** The longest any task has waited for its slot (ms): what LOGIN_QUEUE_MAX_WAIT_MS bounds. */
  longestWaitMs = 0;
  /** Unknown until a task has run: until then nothing is refused on estimate (the deadline still holds). */
  private avgTaskMs?: number;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaitMs: number,
    initialTaskMs?: number,
  ) {
    this.avgTaskMs = initialTaskMs;
  }

  /** `bounded` false: waits as long as it takes (internal work that must not fail, still served fairly). */
  async run<T>(key: string, task: () => Promise<T>, bounded = true): Promise<T> {
    const queued = performance.now();
    if (this.active >= this.concurrency) await this.wait(key, bounded);
    else this.active++;
    const started = performance.now();
    if (bounded) this.longestWaitMs = Math.max(this.longestWaitMs, started - queued);
    try {
      return await task();
    } finally {
      // A moving average: the estimate follows the machine's real hashing speed and load.
      const took = performance.now() - started;
      this.avgTaskMs = this.avgTaskMs === undefined ? took : this.avgTaskMs * 0.8 + took * 0.2;
      this.release();
    }
  }

  /** Tasks waiting, over every key. */
  get queued(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Round robin: a newcomer of `key` is served after min(len, own position) tasks of every other key. */
  estimatedWaitMs(key: string): number {
    const position = (this.queues.get(key)?.length ?? 0) + 1;
    let ahead = position - 1;
    for (const [k, q] of this.queues) if (k !== key) ahead += Math.min(q.length, position);
    // Every slot is busy (else nobody waits); the running tasks are on average half done.
    return (ahead / this.concurrency + 0.5) * (this.avgTaskMs ?? 0);
  }

  private wait(key: string, bounded: boolean): Promise<void> {
    if (bounded && this.estimatedWaitMs(key) > this.maxWaitMs) return Promise.reject(this.full());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { start: resolve };
      if (bounded) {
        waiter.timer = setTimeout(() => {
          this.remove(key, waiter);
          reject(this.full());
        }, this.maxWaitMs);
      }
      let queue = this.queues.get(key);
      if (!queue) {
        queue = [];
        this.queues.set(key, queue);
        this.ring.push(key);
      }
      queue.push(waiter);
    });
  }

  /** Hands the freed slot to the next key in the ring (the slot stays counted as active). */
  private release(): void {
    const key = this.ring.shift();
    if (key === undefined) {
      this.active--;
      return;
    }
    const queue = this.queues.get(key)!;
    const next = queue.shift()!;
    if (queue.length > 0) this.ring.push(key);
    else this.queues.delete(key);
    if (next.timer) clearTimeout(next.timer);
    next.start();
  }

  private remove(key: string, waiter: Waiter): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) {
      this.queues.delete(key);
      const inRing = this.ring.indexOf(key);
      if (inRing >= 0) this.ring.splice(inRing, 1);
    }
  }

  private full(): QueueFull {
    return new QueueFull(Math.max(1, Math.ceil(this.maxWaitMs / 1000)));
  }
}
