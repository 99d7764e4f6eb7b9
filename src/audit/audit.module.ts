import { Global, Module } from '@nestjs/common';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';
import { FailureAudit } from './failure-audit.service';

/** Global: every module writes audit rows inside its own transactions. */
@Global()
@Module({
  controllers: [AuditEventsController],
  providers: [AuditService, FailureAudit, AuditEventsRepository, AuditQueryService],
  exports: [AuditService, FailureAudit],
})
export class AuditModule {}
