import { Injectable } from '@nestjs/common';
import type { RequestView } from '../common/http/request-view';
import { AppConfig } from '../config/app-config';
import { FAILURE_BUDGETS, HOOKED_GROUPS } from './rate-limit-groups';
import { RateLimitKeys } from './rate-limit-keys';
import { RateLimitStorage } from './rate-limit-storage.service';
import { toSeconds, WINDOW_MS } from './rate-limit-store';
import { RateLimitedException } from './rate-limited.exception';

/**
 * The rate-limit checks that run as a Fastify preHandler (wired in
 * app.factory), i.e. after body parsing and before any Nest guard:
 *
 * - an IP that has used up its budget of failed authentications
 *   (FAILURE_BUDGETS) is refused before any credential is verified or
 *   looked up, so a flood of garbage tokens or keys costs one store read
 *   each. Only reads here: failures are counted by RateLimitRecorder;
 * - the per-caller budgets of introspection and revocation (HOOKED_GROUPS),
 *   which need no principal; introspection is bound straight on Fastify,
 *   where no Nest guard runs.
 *
 * Like the guards, it only decides. A refusal is thrown: Fastify then skips
 * the handler and hands the error to the application's error handler, i.e.
 * the one renderer (AllExceptionsFilter); the recorder counts and audits it
 * after the response.
 */
@Injectable()
export class RateLimitHook {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: RateLimitStorage,
    private readonly keys: RateLimitKeys,
  ) {}

  /**
   * Fastify preHandler (and the direct lane): resolves to let the request through, rejects with a
   * RateLimitedException.
   */
  async check(request: RequestView): Promise<void> {
    const limits = this.config.rateLimits;
    for (const budget of FAILURE_BUDGETS) {
      if (!budget.applies(request)) continue;
      const key = this.keys.key(budget.name, budget.tracker(request));
      const blockedMs = await this.storage.blockedFor(key);
      if (blockedMs > 0)
        throw new RateLimitedException(budget.name, toSeconds(blockedMs), false, key, budget.limit(limits));
    }
    for (const group of HOOKED_GROUPS) {
      if (!group.applies(request)) continue;
      const key = this.keys.key(group.name, group.tracker(request));
      const record = await this.storage.increment(key, WINDOW_MS, group.limit(limits), WINDOW_MS, group.name);
      if (record.isBlocked)
        throw new RateLimitedException(
          group.name,
          record.timeToBlockExpire,
          record.firstRejection,
          key,
          group.limit(limits),
        );
    }
  }
}
