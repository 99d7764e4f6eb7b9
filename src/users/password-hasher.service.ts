import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '../config/app-config';
import { bcryptInput } from './password';

/**
 * bcrypt through the native, async binding (runs on libuv's pool, off the
 * event loop). Unknown users cost one compare against a dummy hash so the
 * answer takes the same time whether the user exists or not.
 */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(bcryptInput(password), this.config.bcryptCost);
  }

  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    this.dummyHash ??= bcrypt.hash(bcryptInput('dummy password for timing equality'), this.config.bcryptCost);
    const target = hash ?? (await this.dummyHash);
    const ok = await bcrypt.compare(bcryptInput(password), target);
    return ok && hash !== null && hash !== undefined;
  }
}
