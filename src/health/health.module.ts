import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { HttpMetricsObserver } from './http-metrics.observer';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RootController } from './root.controller';

/** Liveness, readiness and metrics; global so any module can add a probe or count something. */
@Global()
@Module({
  controllers: [HealthController, MetricsController, RootController],
  providers: [HealthService, MetricsService, HttpMetricsObserver],
  exports: [HealthService, MetricsService, HttpMetricsObserver],
})
export class HealthModule {}
