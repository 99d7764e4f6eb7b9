/**
 * Where the sealer's queue scan starts. The partial index of unsealed rows
 * keeps the entries of sealed rows until VACUUM, and a scan from the start
 * walks all of them: on a busy table that was 15 ms for a batch of 1,000
 * rows after 200,000 sealed (15 µs a row, a third of sealing's cost).
 *
 * Ids are handed out at INSERT and rows commit in another order, so a row
 * can commit after rows with larger ids were sealed (a straggler). The floor
 * therefore trails: it is the largest id sealed at least `lagMs` ago, so a
 * row committed within `lagMs` of its neighbours is still found by the next
 * batch; and once every `fullScanMs` a batch scans from the start, so a row
 * of a transaction slower than that is sealed too, one full scan later.
 */
export class SealScanFloor {
  /** Largest id sealed by each recent batch, oldest first. */
  private marks: { at: number; maxId: bigint }[] = [];
  private lastFullScan = -Infinity;

  constructor(
    private readonly lagMs = 1_000,
    private readonly fullScanMs = 1_000,
  ) {}

  /** The id the first batch of a round scans after: 0 when a full scan is due. */
  next(now: number): bigint {
    if (now - this.lastFullScan >= this.fullScanMs) {
      this.lastFullScan = now;
      return 0n;
    }
    const old = now - this.lagMs;
    // Of the marks old enough, the newest is the floor; the ones before it are no longer needed.
    while (this.marks.length > 1 && this.marks[1].at <= old) this.marks.shift();
    return this.marks.length > 0 && this.marks[0].at <= old ? this.marks[0].maxId : 0n;
  }

  /** After a batch committed: the largest id it sealed. */
  sealed(now: number, maxId: bigint): void {
    this.marks.push({ at: now, maxId });
  }
}
