import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { RequirePermissions } from '../common/auth/decorators';
import { AuditExport } from './audit-export.service';
import { AuditVerifier, VerifyResult } from './audit-verifier.service';
import { CheckpointJwk, CheckpointSigner } from './checkpoint-signer';
import { AuditExportQueryDto, AuditVerifyQueryDto } from './dto/audit-chain-query.dto';

const seq = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

/** The integrity side of the audit log: verification, the checkpoint key, the SIEM export. */
@ApiTags('audit-events')
@Controller('v1/audit-events')
export class AuditChainController {
  constructor(
    private readonly verifier: AuditVerifier,
    private readonly signer: CheckpointSigner,
    private readonly exporter: AuditExport,
  ) {}

  @Get('verify')
  @RequirePermissions('audit:read')
  @ApiOperation({ summary: 'Recompute the hash chain over a seq range and check its signed checkpoints' })
  @ApiOkResponse({ description: '{ok, checked, first_bad_seq, last_checkpoint}' })
  @ApiBadRequestResponse({
    description: 'Non-integer range, from_seq > to_seq, or a range below the first retained row',
  })
  verify(@Query() query: AuditVerifyQueryDto): Promise<VerifyResult> {
    return this.verifier.verify({ from: seq(query.from_seq), to: seq(query.to_seq) });
  }

  @Get('checkpoint-key')
  @RequirePermissions('audit:read')
  @ApiOperation({ summary: 'The Ed25519 public key of audit checkpoints (RFC 8037 JWK)' })
  checkpointKey(): CheckpointJwk {
    return this.signer.jwk;
  }

  @Get('export')
  @RequirePermissions('audit:read')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({
    summary: 'Sealed rows after after_seq, in seq order, as NDJSON (the SIEM pull interface)',
    description: 'Ends after the newest row sealed when the request started; resume with the last seq received.',
  })
  @ApiBadRequestResponse({ description: 'after_seq is not a non-negative integer' })
  export(@Query() query: AuditExportQueryDto): StreamableFile {
    const stream = Readable.from(this.exporter.ndjson(seq(query.after_seq) ?? 0), { objectMode: false });
    return new StreamableFile(stream, { type: 'application/x-ndjson; charset=utf-8' });
  }
}
