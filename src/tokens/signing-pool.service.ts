import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { LoadedKey } from './signing-key.types';
import type { FromWorker, SignJob, ToWorker } from './signing-worker';

interface Pending {
  resolve: (token: string) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  kids: Set<string>;
  /** Jobs not posted yet: sent together once the current event-loop turn is over. */
  batch: SignJob[];
}

const WORKER_FILE = join(__dirname, 'signing-worker.js');
/** Jobs a gathering worker may be ahead of the least busy one before jobs go elsewhere. */
const SPREAD_AFTER = 8;

/**
 * A few worker threads that sign access tokens. RS256 signing is the token
 * endpoint's limit (about 350 us per token on one core); on the event loop
 * it serialises every issuance behind the HTTP and database work. Jobs go to
 * the least busy worker, batched per event-loop turn: one message carries
 * every job of the turn (a postMessage costs far more under CPU contention
 * than the few bytes it moves). A worker that dies fails its jobs and is
 * replaced.
 */
@Injectable()
export class SigningPool implements OnModuleDestroy {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {
    for (let i = 0; i < config.signingWorkers; i++) this.slots.push(this.spawn());
  }

  sign(claims: object, key: LoadedKey): Promise<string> {
    const slot = this.pick();
    if (!slot.kids.has(key.kid)) {
      slot.worker.postMessage({ t: 'key', kid: key.kid, alg: key.alg, privateKey: key.privateKey } satisfies ToWorker);
      slot.kids.add(key.kid);
    }
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (slot.batch.push({ id, kid: key.kid, claims }) === 1) setImmediate(() => this.post(slot));
    });
  }

  /**
   * The slot already gathering a batch this turn, unless it is well ahead
   * of the least busy one: one message wakes one worker per turn, and work
   * still spreads once a worker falls behind.
   */
  private pick(): Slot {
    const idle = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const gathering = this.slots.find((s) => s.batch.length > 0);
    return gathering && gathering.pending.size < idle.pending.size + SPREAD_AFTER ? gathering : idle;
  }

  private post(slot: Slot): void {
    const jobs = slot.batch.splice(0);
    if (jobs.length > 0) slot.worker.postMessage({ t: 'sign', jobs } satisfies ToWorker);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_FILE), pending: new Map(), kids: new Set(), batch: [] };
    slot.worker.unref();
    slot.worker.on('message', (results: FromWorker) => {
      for (const result of results) {
        const job = slot.pending.get(result.id);
        if (!job) continue;
        slot.pending.delete(result.id);
        if ('token' in result) job.resolve(result.token);
        else job.reject(new Error(`signing failed: ${result.error}`));
      }
    });
    slot.worker.on('error', (err) => this.logger.error({ err }, 'signing worker failed'));
    slot.worker.on('exit', () => this.replace(slot));
    return slot;
  }

  private replace(dead: Slot): void {
    for (const job of dead.pending.values()) job.reject(new Error('signing worker exited'));
    dead.pending.clear();
    dead.batch.length = 0;
    if (this.closing) return;
    const index = this.slots.indexOf(dead);
    if (index >= 0) this.slots[index] = this.spawn();
  }
}
