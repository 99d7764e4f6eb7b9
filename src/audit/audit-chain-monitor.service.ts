import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { AuditChainRepository } from './audit-chain.repository';
import { AuditVerifier } from './audit-verifier.service';

/** How many of the newest rows each periodic check recomputes. */
const WINDOW = 10_000;

/**
 * Re-verifies the newest audit rows every AUDIT_VERIFY_INTERVAL_SECONDS and
 * publishes auth_audit_chain_ok and auth_audit_last_verified_seq, so an
 * alert fires on tampering without anyone calling the verify endpoint.
 */
@Injectable()
export class AuditChainMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;

  constructor(
    private readonly config: AppConfig,
    private readonly chain: AuditChainRepository,
    private readonly verifier: AuditVerifier,
    private readonly metrics: MetricsService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.auditChainOk.set(1);
    this.timer = setInterval(() => {
      this.current = this.check().catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message }, 'audit chain check failed to run'),
      );
    }, this.config.audit.verifyIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }

  async check(): Promise<void> {
    const head = await this.chain.head();
    const first = await this.chain.firstRetainedSeq();
    const from = first === undefined ? undefined : Math.max(first, head.seq - WINDOW + 1);
    const result = await this.verifier.verify(from === undefined || from > head.seq ? {} : { from });
    this.metrics.auditChainOk.set(result.ok ? 1 : 0);
    if (result.ok) {
      this.metrics.auditLastVerifiedSeq.set(head.seq);
    } else {
      this.logger.error(
        { first_bad_seq: result.first_bad_seq },
        'audit hash chain broken: rows were changed, deleted or inserted by hand',
      );
    }
  }
}
