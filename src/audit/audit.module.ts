import { Global, Module } from '@nestjs/common';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';

/** Global: every module writes audit rows inside its own transactions. */
@Global()
@Module({
  controllers: [AuditEventsController],
  providers: [AuditService, AuditEventsRepository, AuditQueryService],
  exports: [AuditService],
})
export class AuditModule {}
