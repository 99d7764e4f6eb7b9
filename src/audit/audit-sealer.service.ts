import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PublicLogValue } from '../common/logging/log-redaction';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { MetricsService } from '../health/metrics.service';
import { AuditChainRepository, ChainHead } from './audit-chain.repository';
import { chainHash } from './audit-row';
import { Checkpoint, CheckpointSigner } from './checkpoint-signer';
import { nextWatermarks, scanFrom } from './seal-watermark';

/** Arbitrary constant: whoever holds it is the one sealer of the fleet for that batch. */
export const SEAL_LOCK = 727_274_014;
const BATCH = 1_000;
/**
 * How long after a local commit its rows are sealed, at the latest (plus the
 * batch itself). A batch has a fixed cost in statements and a WAL flush
 * whatever its size, so under load a busy instance seals about three times
 * a second in large batches (at 200 ms the fixed costs were about a fifth
 * of sealing's CPU). 400 ms put the lag p99 at 0.75 s on a loaded bench
 * machine: too close to the 1 s of the contract.
 */
const NUDGE_MS = 300;
/** While another instance holds the lock and rows wait. */
const RETRY_MS = 100;
/** Rows written by other instances (or other writers) are found by this poll: one cheap statement. */
const IDLE_POLL_MS = 500;

interface BatchResult {
  sealed: number;
  locked: boolean;
  /** occurred_at of each row sealed, in ms: the lag is measured once the batch has committed. */
  occurredAt: number[];
  /** The largest id sealed. */
  maxId?: bigint;
  checkpoint?: Checkpoint;
}

/**
 * Seals audit rows: gives each committed, unsealed row the next `seq` and
 * its chain hash (a row of `audit_seals`), and signs checkpoints. Writers
 * and the sealer only INSERT (an audit row is never updated) and writers
 * never wait for this. Each batch is one transaction holding a PostgreSQL advisory
 * lock, so across instances one sealer works at a time; if the holder dies
 * mid-batch its transaction rolls back (nothing sealed, no gap) and the lock
 * is free for the next instance at its next tick.
 *
 * Writers nudge the sealer of their own instance after commit (no database
 * traffic); a light poll finds rows written elsewhere, so a row is sealed
 * well within 1 s of its commit.
 *
 * Commit order: a batch takes the rows committed when it reads them, by id.
 * A row whose transaction commits later (even with a smaller id) is simply
 * sealed by a later batch with a later seq, so seq stays gap-free and never
 * has to be taken back; the watermark (seal-watermark.ts) makes sure a later
 * batch still looks that far down.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private timerDue = Infinity;
  private current?: Promise<void>;
  private running = false;
  /** When the first local commit not yet taken by a batch nudged: the next batch is due NUDGE_MS later. */
  private pendingSince?: number;
  private stopping = true;
  private checkpointedSinceStart = false;
  /** Rows this instance sealed that no checkpoint covers yet: only then is a checkpoint check worth a query. */
  private uncheckpointed = false;
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
    this.stopping = false;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** Called after a commit that wrote audit rows: seal soon. Never waits, never queries. */
  nudge(): void {
    if (this.stopping) return;
    this.pendingSince ??= Date.now();
    if (!this.running && this.timerDue > this.pendingSince + NUDGE_MS) this.schedule(this.nudgeDelay());
  }

  /** Until the oldest pending commit is NUDGE_MS old; the idle poll when none waits. */
  private nudgeDelay(): number {
    return this.pendingSince === undefined ? IDLE_POLL_MS : Math.max(0, this.pendingSince + NUDGE_MS - Date.now());
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timerDue = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timerDue = Infinity;
      this.current = this.tick().then((next) => this.schedule(next));
    }, delayMs);
    this.timer.unref();
  }

  /** One round of sealing; the delay until the next. */
  private async tick(): Promise<number> {
    this.running = true;
    // Rows committed before this point are taken by this tick; later nudges time the next one.
    const nudged = this.pendingSince !== undefined;
    this.pendingSince = undefined;
    try {
      const checkpointDue =
        this.uncheckpointed && Date.now() - this.lastCheckpointCheck >= this.config.audit.checkpointSeconds * 1000;
      // The idle probe: a background query, one statement, not part of any request's work.
      if (!checkpointDue && !nudged && !(await this.chain.hasUnsealed())) return this.nudgeDelay();
      let result = await this.sealBatch(checkpointDue || !this.checkpointedSinceStart);
      // A backlog: each next batch goes on after the last; the next round reads from the watermark again.
      while (result.sealed === BATCH && !this.stopping) result = await this.sealBatch(false, result.maxId!);
      if (!result.locked) return RETRY_MS;
      return this.nudgeDelay();
    } catch (err) {
      // A forged row in the way, or the database down: keep trying, loudly. Never the row contents.
      this.logger.error({ err: (err as Error).message }, 'audit sealing failed; retrying');
      return IDLE_POLL_MS;
    } finally {
      this.running = false;
    }
  }

  /** One batch: from the watermark, or (`afterId`) after the previous batch of a backlog. */
  private async sealBatch(checkpointCheck: boolean, afterId?: bigint): Promise<BatchResult> {
    const result = await this.db.transaction(async (tx): Promise<BatchResult> => {
      if (!(await this.chain.beginBatch(tx, SEAL_LOCK))) return { sealed: 0, locked: false, occurredAt: [] };
      // Before the read: what the transactions it waits for wrote must be visible to it.
      const head = await this.chain.batchHead(tx);
      const rows = await this.chain.unsealed(tx, BATCH, scanFrom(head, afterId));
      // Nothing to seal (another instance was quicker): no write, so no WAL flush at commit.
      if (rows.length === 0 && !checkpointCheck) return { sealed: 0, locked: true, occurredAt: [] };
      const hashes: string[] = [];
      let hash = head.hash;
      for (let i = 0; i < rows.length; i++) {
        hash = chainHash(hash, rows[i], head.seq + 1 + i);
        hashes.push(hash);
      }
      if (rows.length > 0) {
        const ids = rows.map((r) => r.id);
        const marks = nextWatermarks(head, afterId, ids[ids.length - 1], rows.length === BATCH);
        await this.chain.seal(tx, head.seq + 1, ids, hashes, marks);
      }
      return {
        sealed: rows.length,
        locked: true,
        occurredAt: rows.map((r) => Date.parse(r.occurred_at)),
        maxId: rows.length > 0 ? BigInt(rows[rows.length - 1].id) : undefined,
        checkpoint: await this.maybeCheckpoint(tx, { seq: head.seq + rows.length, hash }),
      };
    });
    const sealedAt = Date.now();
    for (const at of result.occurredAt) this.metrics.auditSealLag.observe(Math.max(0, sealedAt - at) / 1000);
    if (result.sealed > 0) this.uncheckpointed = true;
    if (result.checkpoint) {
      this.checkpointedSinceStart = true;
      this.uncheckpointed = false;
      // The copy outside the database: log shippers keep it where a database attacker cannot edit it.
      this.logger.info({ audit_checkpoint: new PublicLogValue(result.checkpoint) }, 'audit checkpoint signed');
    }
    return result;
  }

  /** The first checkpoint after start at once, then one per AUDIT_CHECKPOINT_SECONDS while rows arrive. */
  private async maybeCheckpoint(tx: Tx, head: ChainHead): Promise<Checkpoint | undefined> {
    if (head.seq === 0) return undefined;
    // Checked at most once per interval (no query in between), except the first after start.
    const intervalMs = this.config.audit.checkpointSeconds * 1000;
    if (this.checkpointedSinceStart && Date.now() - this.lastCheckpointCheck < intervalMs) return undefined;
    this.lastCheckpointCheck = Date.now();
    const newest = await this.chain.newestCheckpoint(undefined, tx);
    if (newest && newest.seq >= head.seq) {
      tx.afterCommit(() => (this.uncheckpointed = false));
      return undefined;
    }
    const signedAt = await this.chain.now(tx);
    const age = newest ? Date.parse(signedAt) - Date.parse(newest.signed_at) : Infinity;
    if (this.checkpointedSinceStart && age < intervalMs) return undefined;
    const checkpoint = this.signer.sign({ seq: head.seq, hash: head.hash, signed_at: signedAt });
    await this.chain.insertCheckpoint(tx, checkpoint);
    return checkpoint;
  }
}
