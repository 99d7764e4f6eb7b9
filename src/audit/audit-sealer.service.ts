import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { MetricsService } from '../health/metrics.service';
import { AuditChainRepository, ChainHead } from './audit-chain.repository';
import { chainHash } from './audit-row';
import { Checkpoint, CheckpointSigner } from './checkpoint-signer';

/** Arbitrary constant: whoever holds it is the one sealer of the fleet for that batch. */
export const SEAL_LOCK = 727_274_014;
const BATCH = 1_000;
/** Polling period: keeps a committed row's sealing lag well under the 1 s of the contract. */
const TICK_MS = 100;

interface BatchResult {
  sealed: number;
  lagsMs: number[];
  checkpoint?: Checkpoint;
}

/**
 * Seals audit rows: gives each committed, unsealed row the next `seq` and
 * its chain hash, and signs checkpoints. Writers only INSERT and never wait
 * for this. Each batch is one transaction holding a PostgreSQL advisory
 * lock, so across instances one sealer works at a time; if the holder dies
 * mid-batch its transaction rolls back (nothing sealed, no gap) and the lock
 * is free for the next instance at its next tick.
 *
 * Commit order: a batch takes the rows committed when it reads them, by id.
 * A row whose transaction commits later (even with a smaller id) is simply
 * sealed by a later batch with a later seq, so seq stays gap-free and never
 * has to be taken back.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopping = false;
  private checkpointedSinceStart = false;
  private lastCheckpointCheck = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly chain: AuditChainRepository,
    private readonly signer: CheckpointSigner,
    private readonly metrics: MetricsService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.audit.sealing) {
      this.logger.warn('AUDIT_SEALING=off: audit rows are not sealed (for measuring only)');
      return;
    }
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** Seals until nothing is left (or another instance holds the lock); the number of rows sealed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { sealed } = await this.sealBatch(true);
      total += sealed;
      if (sealed < BATCH) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => this.schedule(TICK_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const checkpointDue = Date.now() - this.lastCheckpointCheck >= this.config.audit.checkpointSeconds * 1000;
      if (checkpointDue) this.lastCheckpointCheck = Date.now();
      let result = await this.sealBatch(checkpointDue);
      while (result.sealed === BATCH && !this.stopping) result = await this.sealBatch(false);
    } catch (err) {
      // A forged row in the way, or the database down: keep trying, loudly. Never the row contents.
      this.logger.error({ err: (err as Error).message }, 'audit sealing failed; retrying');
    }
  }

  private async sealBatch(checkpointCheck: boolean): Promise<BatchResult> {
    if (!checkpointCheck && !(await this.chain.hasUnsealed())) return { sealed: 0, lagsMs: [] };
    const result = await this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [SEAL_LOCK]);
      if (!locked) return { sealed: 0, lagsMs: [] };
      const head = await this.chain.lockHead(tx);
      const rows = await this.chain.unsealed(tx, BATCH);
      const now = Date.now();
      const ids: string[] = [];
      const seqs: number[] = [];
      const hashes: string[] = [];
      let { seq, hash } = head;
      for (const row of rows) {
        seq += 1;
        hash = chainHash(hash, row, seq);
        ids.push(row.id);
        seqs.push(seq);
        hashes.push(hash);
      }
      if (rows.length > 0) await this.chain.seal(tx, ids, seqs, hashes);
      const checkpoint = await this.maybeCheckpoint(tx, { seq, hash });
      return { sealed: rows.length, lagsMs: rows.map((r) => now - Date.parse(r.occurred_at)), checkpoint };
    });
    for (const lag of result.lagsMs) this.metrics.auditSealLag.observe(Math.max(0, lag) / 1000);
    if (result.checkpoint) {
      this.checkpointedSinceStart = true;
      // The copy outside the database: log shippers keep it where a database attacker cannot edit it.
      this.logger.info({ audit_checkpoint: result.checkpoint }, 'audit checkpoint signed');
    }
    return result;
  }

  /** The first checkpoint after start at once, then one per AUDIT_CHECKPOINT_SECONDS while rows arrive. */
  private async maybeCheckpoint(tx: Tx, head: ChainHead): Promise<Checkpoint | undefined> {
    if (head.seq === 0) return undefined;
    const newest = await this.chain.newestCheckpoint(undefined, tx);
    if (newest && newest.seq >= head.seq) return undefined;
    const signedAt = await this.chain.now(tx);
    const age = newest ? Date.parse(signedAt) - Date.parse(newest.signed_at) : Infinity;
    if (this.checkpointedSinceStart && age < this.config.audit.checkpointSeconds * 1000) return undefined;
    const checkpoint = this.signer.sign({ seq: head.seq, hash: head.hash, signed_at: signedAt });
    await this.chain.insertCheckpoint(tx, checkpoint);
    return checkpoint;
  }
}
