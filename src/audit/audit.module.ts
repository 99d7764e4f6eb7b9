import { Global, Module } from '@nestjs/common';
import { AuditBatchWriter } from './audit-batch-writer';
import { AuditChainController } from './audit-chain.controller';
import { AuditChainMonitor } from './audit-chain-monitor.service';
import { AuditChainRepository } from './audit-chain.repository';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditExport } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditRetention } from './audit-retention.service';
import { AuditSealer } from './audit-sealer.service';
import { AuditService } from './audit.service';
import { AuditVerifier } from './audit-verifier.service';
import { CheckpointSigner } from './checkpoint-signer';
import { FailureAudit } from './failure-audit.service';

/** Global: every module writes audit rows inside its own transactions. */
@Global()
@Module({
  // The chain controller first: its fixed paths (verify, export) must not be taken for anything else.
  controllers: [AuditChainController, AuditEventsController],
  providers: [
    AuditService,
    AuditBatchWriter,
    FailureAudit,
    AuditEventsRepository,
    AuditQueryService,
    AuditChainRepository,
    CheckpointSigner,
    AuditSealer,
    AuditVerifier,
    AuditExport,
    AuditRetention,
    AuditChainMonitor,
  ],
  exports: [AuditService, AuditBatchWriter, FailureAudit],
})
export class AuditModule {}
