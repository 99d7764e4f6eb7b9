import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '../config/app-config';
import { Semaphore } from '../common/concurrency/semaphore';
import { bcryptInput } from './password';

/**
 * bcrypt through the native, async binding (runs on libuv's pool, off the
 * event loop). Unknown users cost one compare against a dummy hash so the
 * answer takes the same time whether the user exists or not.
 *
 * Off the event loop is not enough on a small machine: libuv runs four
 * hashes at once and a login storm would take every core from the event
 * loop, and so from introspection. BCRYPT_CONCURRENCY (default: cores - 1)
 * is the CPU budget for hashing; logins beyond it queue. Every compare,
 * the dummy one included, takes the same queue, so timing stays equal.
 */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;
  private readonly budget: Semaphore;

  constructor(private readonly config: AppConfig) {
    this.budget = new Semaphore(config.bcryptConcurrency);
  }

  hash(password: string): Promise<string> {
    return this.budget.run(() => bcrypt.hash(bcryptInput(password), this.config.bcryptCost));
  }

  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    this.dummyHash ??= this.hash('dummy password for timing equality');
    const target = hash ?? (await this.dummyHash);
    const ok = await this.budget.run(() => bcrypt.compare(bcryptInput(password), target));
    return ok && hash !== null && hash !== undefined;
  }
}
