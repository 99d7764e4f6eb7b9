import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/errors/oauth-error';
import { ProblemError } from '../common/errors/problem-error';
import type { ResponseObserver } from '../common/http/configure-http';
import type { ReplyView, RequestView } from '../common/http/request-view';
import { MetricsService } from './metrics.service';

/** Internal reason codes are snake_case words; anything else (a reason built from input) is not a label. */
const SAFE_REASON = /^[a-z][a-z0-9_]{0,39}$/;

/** The route pattern Fastify matched (`/v1/users/:id`): bounded, unlike the raw URL. */
export function routeLabel(request: RequestView): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/**
 * Failure reason for the auth-failure counter, or undefined when the
 * response is not an authentication/authorisation failure. OAuthError keeps
 * its internal `reason` only when it is a fixed code, so attacker-chosen text
 * (an unsupported grant type echoed into a reason) can never become a label.
 */
export function authFailureReason(status: number, error: unknown): string | undefined {
  if (error instanceof OAuthError) {
    const auth =
      status === 401 || status === 403 || error.code === 'invalid_grant' || error.code === 'unauthorized_client';
    if (!auth) return undefined;
    return SAFE_REASON.test(error.reason) ? error.reason : error.code;
  }
  if (status !== 401 && status !== 403) return undefined;
  if (error instanceof ProblemError) return error.slug;
  return status === 401 ? 'unauthorized' : 'forbidden';
}

/**
 * Runs after every response (Fastify onResponse, wired in app.factory):
 * the duration histogram and the auth-failure counter. Counting here, on the
 * single error-rendering path, catches failures whoever threw them.
 */
@Injectable()
export class HttpMetricsObserver implements ResponseObserver {
  constructor(private readonly metrics: MetricsService) {}

  onResponse(request: RequestView, reply: ReplyView, error: unknown): void {
    const route = routeLabel(request);
    const status = reply.statusCode;
    this.metrics.httpDuration.observe(
      { method: request.method, route, status: String(status) },
      reply.elapsedTime / 1000,
    );
    const reason = authFailureReason(status, error);
    if (reason !== undefined) this.metrics.authFailures.inc({ endpoint: route, reason });
  }
}
