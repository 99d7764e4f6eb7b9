import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerRequest,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { GUARDED_GROUPS } from './rate-limit-groups';
import { RateLimitKeys } from './rate-limit-keys';
import { RateLimitStorage } from './rate-limit-storage.service';
import { WINDOW_MS } from './rate-limit-store';
import { RateLimitedException } from './rate-limited.exception';

const requestOf = (context: ExecutionContext): FastifyRequest => context.switchToHttp().getRequest<FastifyRequest>();

/** The named throttlers (one per group in GUARDED_GROUPS), built from AppConfig. */
export function throttlerOptions(config: AppConfig, keys: RateLimitKeys): ThrottlerModuleOptions {
  return {
    throttlers: GUARDED_GROUPS.map((group) => ({
      name: group.name,
      ttl: WINDOW_MS,
      limit: group.limit(config.rateLimits),
      // The first block lasts one window; repeated ones grow (see backoffMs).
      blockDuration: WINDOW_MS,
      skipIf: (context: ExecutionContext) => !group.applies(requestOf(context)),
      getTracker: (request) => group.tracker(request as FastifyRequest),
    })),
    // One budget per group and caller across every route of the group (not per handler).
    generateKey: (_context, tracker, name) => keys.key(name, tracker),
    setHeaders: false,
  };
}

/**
 * @nestjs/throttler's guard with the service's rules. It runs after the
 * AuthGuard (order set in CommonModule), so /v1 budgets belong to the
 * authenticated principal. Like every guard here it only decides: a refusal
 * is an exception carrying the decision; counting and auditing it happen
 * after the response, in RateLimitRecorder.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  // Both injection tokens come from the base class's parameter decorators; storage is RateLimitStorage
  // (see RateLimitModule).
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly limits: RateLimitStorage,
    reflector: Reflector,
  ) {
    super(options, limits, reflector);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(requestOf(context), context), name);
    const record = await this.limits.increment(key, ttl, limit, blockDuration, name);
    if (record.isBlocked)
      throw new RateLimitedException(name, record.timeToBlockExpire, record.firstRejection, key, limit);
    return true;
  }
}
