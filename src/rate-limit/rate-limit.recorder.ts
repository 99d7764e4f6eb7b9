import { Inject, Injectable } from '@nestjs/common';
import { FailureAudit } from '../audit/failure-audit.service';
import { auditActor } from '../common/auth/principal';
import { requestMeta, ResponseObserver } from '../common/http/configure-http';
import { RequestContext } from '../common/http/request-context';
import type { ReplyView, RequestView } from '../common/http/request-view';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { FAILURE_BUDGETS } from './rate-limit-groups';
import { RateLimitKeys } from './rate-limit-keys';
import { RateLimitStorage } from './rate-limit-storage.service';
import { WINDOW_MS } from './rate-limit-store';
import { RateLimitedException } from './rate-limited.exception';

/**
 * The writing half of rate limiting, kept out of the guards (DESIGN.md:
 * guards decide, they do not write). It observes each finished response
 * (Fastify onResponse, wired in app.factory), i.e. after the 429 or 401 is
 * already on the wire, so neither a slow audit insert nor a Redis hiccup
 * delays an answer, and a flood is never slowed down by its own audit trail.
 *
 * - every 429 is counted (auth_rate_limited_total{group});
 * - every rejection is handed to the service-wide failure damper
 *   (FailureAudit): one `rate_limit.exceeded` row per budget key and
 *   minute, whose `details.count` says how many requests were refused;
 * - a 401 on a caller-authenticated route is charged to the IP's failure
 *   budget (FAILURE_BUDGETS), which RateLimitHook enforces.
 */
@Injectable()
export class RateLimitRecorder implements ResponseObserver {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: RateLimitStorage,
    private readonly keys: RateLimitKeys,
    private readonly failures: FailureAudit,
    private readonly metrics: MetricsService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onResponse(request: RequestView, reply: ReplyView, error: unknown): void {
    if (error instanceof RateLimitedException) {
      this.metrics.rateLimited.inc({ group: error.group });
      this.auditExceeded(request, error.group, error.key, error.limit, error.retryAfterSeconds);
      return;
    }
    if (reply.statusCode === 401) void this.chargeFailure(request);
  }

  private async chargeFailure(request: RequestView): Promise<void> {
    for (const budget of FAILURE_BUDGETS) {
      if (!budget.applies(request)) continue;
      const key = this.keys.key(budget.name, budget.tracker(request));
      const limit = budget.limit(this.config.rateLimits);
      try {
        // `limit` failures are allowed; the store blocks past its limit, so the limit-th failure starts the block.
        const record = await this.storage.increment(key, WINDOW_MS, limit - 1, WINDOW_MS, budget.name);
        if (record.isBlocked) this.auditExceeded(request, budget.name, key, limit, record.timeToBlockExpire);
      } catch (err) {
        this.logger.error({ err, requestId: request.id }, 'could not count a failed authentication');
      }
    }
  }

  private auditExceeded(request: RequestView, group: string, key: string, limit: number, retryAfter: number): void {
    const principal = request.principal;
    // A short id of the hashed budget key: correlates repeated blocks, reveals nothing.
    const budgetId = key.slice(key.indexOf(':') + 1, key.indexOf(':') + 17);
    // onResponse runs outside the request's async context: restore it so the row carries IP and request id.
    RequestContext.run(requestMeta(request), () =>
      this.failures.record(
        {
          eventType: 'rate_limit.exceeded',
          outcome: 'failure',
          actor: auditActor(principal),
          details: {
            reason: 'rate_limited',
            group,
            route: request.routeOptions?.url ?? null,
            limit,
            window_seconds: WINDOW_MS / 1000,
            retry_after: retryAfter,
            budget_id: budgetId,
          },
        },
        `${group}|${budgetId}`,
      ),
    ).catch((err: unknown) => this.logger.error({ err, requestId: request.id }, 'could not audit rate_limit.exceeded'));
  }
}
