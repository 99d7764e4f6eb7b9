import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ClusterEvents } from '../revocation/cluster-events.service';

/**
 * The service's Prometheus metrics, served at GET /metrics.
 *
 * A dedicated Registry (not prom-client's global one) so that several app
 * instances in one process (the e2e tests) do not collide on metric names.
 * Label values must be bounded and never secret: route patterns, grant
 * types, fixed reason codes. Never a username, client id, IP or token.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** Tokens issued by the token endpoint, by grant type. */
  readonly tokensIssued = new Counter({
    name: 'auth_tokens_issued_total',
    help: 'Access tokens issued by the token endpoint, by grant type',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });

  /** Rejected authentications and authorisations; `reason` is a fixed internal code, never input. */
  readonly authFailures = new Counter({
    name: 'auth_failures_total',
    help: 'Authentication and authorisation failures, by endpoint (route pattern) and reason code',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [this.registry],
  });

  /** Introspection answers: active, inactive, or unauthorized caller. */
  readonly introspections = new Counter({
    name: 'auth_introspections_total',
    help: 'Introspection answers by result (active, inactive, unauthorized)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /** In-memory cache lookups; hit ratio = hit / (hit + miss) per cache. */
  readonly cacheLookups = new Counter({
    name: 'auth_cache_lookups_total',
    help: 'In-memory cache lookups by cache and result (hit, miss)',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });

  readonly lockouts = new Counter({
    name: 'auth_lockouts_total',
    help: 'Accounts locked after too many failed login attempts',
    registers: [this.registry],
  });

  /** Requests refused with 429, by rate-limit group. */
  readonly rateLimited = new Counter({
    name: 'auth_rate_limited_total',
    help: 'Requests refused by the rate limiter, by group',
    labelNames: ['group'] as const,
    registers: [this.registry],
  });

  /** Rate-limit decisions taken by the per-instance memory store because Redis was unusable. */
  readonly rateLimitStoreFallbacks = new Counter({
    name: 'auth_rate_limit_store_fallbacks_total',
    help: 'Rate-limit decisions served from the per-instance memory store because Redis was unavailable',
    registers: [this.registry],
  });

  /** Request duration; `route` is the route pattern (`/v1/users/:id`), never the raw URL. */
  readonly httpDuration = new Histogram({
    name: 'auth_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    // bcrypt dominates the password grant (~0.2 s); introspection sits well under 1 ms.
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** 1 while the periodic check of the newest audit rows finds the hash chain intact, 0 once it does not. */
  readonly auditChainOk = new Gauge({
    name: 'auth_audit_chain_ok',
    help: 'Audit hash chain intact (1) or broken (0)',
    registers: [this.registry],
  });

  readonly auditLastVerifiedSeq = new Gauge({
    name: 'auth_audit_last_verified_seq',
    help: 'Newest audit seq checked by the periodic chain verification',
    registers: [this.registry],
  });

  /** Row insert to seal; the contract wants under 1 s. */
  readonly auditSealLag = new Histogram({
    name: 'auth_audit_seal_lag_seconds',
    help: 'Seconds from an audit row being written to it being sealed',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
    registers: [this.registry],
  });

  constructor(events: ClusterEvents) {
    // Collected on scrape: how long the revocation feed (LISTEN) has been down, 0 when up.
    new Gauge({
      name: 'auth_revocation_feed_down_seconds',
      help: 'Seconds the revocation feed has been disconnected (0 when connected)',
      registers: [this.registry],
      collect() {
        this.set(events.downSeconds());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
