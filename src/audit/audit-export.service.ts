import { Injectable } from '@nestjs/common';
import { AuditChainRepository } from './audit-chain.repository';

const PAGE = 1_000;

/**
 * The SIEM pull interface: sealed rows after `after_seq`, in seq order, as
 * NDJSON. Keyset pages keep memory flat for any length; the end is the
 * newest row sealed when the export began, so a shipper resumes from the
 * last seq it stored.
 */
@Injectable()
export class AuditExport {
  constructor(private readonly chain: AuditChainRepository) {}

  async *ndjson(afterSeq: number): AsyncGenerator<string> {
    const { seq: end } = await this.chain.head();
    let cursor = afterSeq;
    while (cursor < end) {
      const rows = await this.chain.sealedRange(cursor + 1, end, PAGE);
      // A window of PAGE seqs: fewer rows only where some were deleted by hand, which verification names.
      if (rows.length > 0) yield rows.map((r) => `${JSON.stringify(r)}\n`).join('');
      cursor = Math.min(cursor + PAGE, end);
    }
  }
}
