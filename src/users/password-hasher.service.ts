import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '../config/app-config';
import { OAuthError } from '../common/errors/oauth-error';
import { FairQueue, QueueFull } from './fair-queue';
import { bcryptInput } from './password';

/** Hashing for new passwords (user creation, password change) shares the budget but is never refused. */
const INTERNAL_KEY = '\u0000hash';

/**
 * bcrypt through the native, async binding (runs on libuv's pool, off the
 * event loop). Unknown users cost one compare against a dummy hash so the
 * answer takes the same time whether the user exists or not.
 *
 * Off the event loop is not enough on a small machine: libuv runs four
 * hashes at once and a login storm would take every core from the event
 * loop, and so from introspection. BCRYPT_CONCURRENCY (default: cores - 1)
 * is the CPU budget for hashing; compares beyond it queue, one FIFO per
 * client IP served round robin, and one that would wait longer than
 * LOGIN_QUEUE_MAX_WAIT_MS is refused with 503 temporarily_unavailable and
 * Retry-After: one source flooding wrong passwords cannot delay everyone's
 * logins. Every compare, the dummy one included, takes the same queue, so
 * timing stays equal.
 */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;
  private readonly budget: FairQueue;

  constructor(private readonly config: AppConfig) {
    this.budget = new FairQueue(config.bcryptConcurrency, config.loginQueueMaxWaitMs);
  }

  /** The longest a login has waited for a hashing slot since start (ms). */
  get longestQueueWaitMs(): number {
    return this.budget.longestWaitMs;
  }

  hash(password: string): Promise<string> {
    return this.budget.run(INTERNAL_KEY, () => bcrypt.hash(bcryptInput(password), this.config.bcryptCost), false);
  }

  /**
   * `source` (the client IP of a login) is the fair-share key; throws
   * OAuthError temporarily_unavailable (with Retry-After) when the queue is
   * full. The login queue protects anonymous logins from each other.
   */
  async verify(password: string, hash: string | null | undefined, source?: string): Promise<boolean> {
    this.dummyHash ??= this.hash('dummy password for timing equality');
    const target = hash ?? (await this.dummyHash);
    try {
      // Without a source (an authenticated caller re-proving its password): fair, never refused.
      const key = source === undefined ? INTERNAL_KEY : `ip:${source}`;
      const compare = (): Promise<boolean> => bcrypt.compare(bcryptInput(password), target);
      const ok = await this.budget.run(key, compare, source !== undefined);
      return ok && hash !== null && hash !== undefined;
    } catch (err) {
      if (!(err instanceof QueueFull)) throw err;
      throw new OAuthError('temporarily_unavailable', 'login_queue_full', {
        headers: { 'retry-after': String(err.retryAfterSeconds) },
      });
    }
  }
}
