import { Injectable } from '@nestjs/common';
import { ProblemError } from '../common/errors/problem-error';
import { AuditChainRepository } from './audit-chain.repository';
import { chainHash, GENESIS_HASH } from './audit-row';
import { Checkpoint, CheckpointSigner } from './checkpoint-signer';

export interface VerifyRange {
  from?: number;
  to?: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  first_bad_seq: number | null;
  last_checkpoint: Checkpoint | null;
}

const BATCH = 5_000;

/** Thrown out of the walk with the first seq that does not hold. */
class Broken {
  constructor(readonly seq: number) {}
}

/**
 * Recomputes the hash chain over a range of sealed rows and checks the
 * checkpoints in it (API.md "verify"). One rule for the endpoint, the CLI and
 * the background check. Memory stays flat: rows are read in keyset batches.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly chain: AuditChainRepository,
    private readonly signer: CheckpointSigner,
  ) {}

  async verify(range: VerifyRange = {}): Promise<VerifyResult> {
    const head = await this.chain.head();
    const first = await this.chain.firstRetainedSeq();
    const last = (await this.chain.newestCheckpoint()) ?? null;
    const result = (checked: number, bad: number | null): VerifyResult => ({
      ok: bad === null,
      checked,
      first_bad_seq: bad,
      last_checkpoint: last,
    });
    if (range.from !== undefined && (range.from < 1 || (first !== undefined && range.from < first))) {
      throw ProblemError.validation([{ field: 'from_seq', message: 'is below the first retained row' }]);
    }
    const to = Math.min(range.to ?? head.seq, head.seq);
    const from = range.from ?? first ?? head.seq + 1;
    if (from > to) {
      if (range.from !== undefined || range.to !== undefined) {
        throw ProblemError.validation([
          { field: 'from_seq', message: 'must not be after to_seq or the newest sealed row' },
        ]);
      }
      // Nothing retained: fine only if retention removed everything up to a checkpoint of the head.
      const vouched = last !== null && last.seq === head.seq && this.signer.verify(last);
      return result(0, head.seq === 0 || vouched ? null : (await this.anchorBelow(head.seq + 1)) + 1);
    }
    let checked = 0;
    try {
      let prev = await this.anchor(from, first);
      let vouchedUpTo = from - 1;
      let expected = from;
      // The next batch is read while this one is hashed: the database and the CPU work side by side.
      let next = this.chain.sealedRange(expected, to, BATCH);
      while (expected <= to) {
        const rows = await next;
        if (rows.length === 0) throw new Broken(expected);
        const lastSeq = rows[rows.length - 1].seq!;
        next = lastSeq < to ? this.chain.sealedRange(lastSeq + 1, to, BATCH) : Promise.resolve([]);
        // A prefetch abandoned by a Broken must not become an unhandled rejection.
        next.catch(() => undefined);
        const checkpoints = new Map((await this.chain.checkpointsBetween(expected, lastSeq)).map((c) => [c.seq, c]));
        for (const row of rows) {
          if (row.seq !== expected) throw new Broken(expected);
          checked += 1;
          if (chainHash(prev, row, expected) !== row.hash) throw new Broken(expected);
          prev = row.hash;
          const cp = checkpoints.get(expected);
          // Checkpoints of another (retired) key neither vouch nor accuse: only this key's signature counts.
          if (cp && cp.kid === this.signer.jwk.kid) {
            if (cp.hash !== row.hash || !this.signer.verify(cp)) throw new Broken(vouchedUpTo + 1);
            vouchedUpTo = expected;
          }
          expected += 1;
        }
      }
      if (range.to === undefined || range.to >= head.seq) {
        // Re-read in one statement: the sealer may have moved the head while we walked.
        const now = await this.chain.headCheck();
        if (!now.headRowMatches) throw new Broken(now.headSeq);
        if (now.beyondHead !== undefined) throw new Broken(now.beyondHead);
      }
    } catch (err) {
      if (!(err instanceof Broken)) throw err;
      // Retention may delete the oldest rows while a default-range walk reads them: start again from the new first row.
      const nowFirst = range.from === undefined ? await this.chain.firstRetainedSeq() : undefined;
      if (nowFirst !== undefined && first !== undefined && nowFirst > first && err.seq < nowFirst)
        return this.verify(range);
      return result(checked, err.seq);
    }
    return result(checked, null);
  }

  /** The hash row `from` chains from: row from-1, or the signed checkpoint retention kept. */
  private async anchor(from: number, first: number | undefined): Promise<string> {
    if (from === 1) return GENESIS_HASH;
    const stored = await this.chain.storedHash(from - 1);
    if (stored !== undefined) return stored;
    // Inside the retained rows, a missing row before the range is itself the first bad seq.
    if (first !== undefined && from - 1 > first) throw new Broken(from - 1);
    const cp = await this.chain.newestCheckpoint(from - 1);
    if (cp && cp.seq === from - 1 && this.signer.verify(cp)) return cp.hash;
    throw new Broken((await this.anchorBelow(from)) + 1);
  }

  /** The newest seq below `seq` that a valid checkpoint vouches for (0: none). */
  private async anchorBelow(seq: number): Promise<number> {
    const cp = await this.chain.newestCheckpoint(seq - 1);
    return cp && this.signer.verify(cp) ? cp.seq : 0;
  }
}
