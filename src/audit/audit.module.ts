import { Global, Module } from '@nestjs/common';
import { AuditBatchWriter } from './audit-batch-writer';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';

/** Global: every module writes audit rows inside its own transactions. */
@Global()
@Module({
  controllers: [AuditEventsController],
  providers: [AuditService, AuditBatchWriter, AuditEventsRepository, AuditQueryService],
  exports: [AuditService, AuditBatchWriter],
})
export class AuditModule {}
