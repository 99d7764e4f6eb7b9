import type { BatchHead, Watermarks } from './audit-chain.repository';

/**
 * Where a sealing batch reads, and the watermarks it leaves.
 *
 * Ids are handed out at INSERT and rows commit in another order, so a batch
 * can miss a row with an id below the largest it seals: that row's
 * transaction was still open when the batch read (a straggler). The queue is
 * therefore "rows above the watermark without a seal", and the watermark
 * trails: a batch proposes its largest id M as the next one (pending), and a
 * later batch that reads from the current watermark takes it once no
 * transaction that was open when M was proposed is still open. Every row
 * below M got its id before M did, so its transaction began before the
 * proposal: it has ended by then, and the batch that takes M, reading from
 * below the row, sees it (committed) or never will (rolled back). The batch
 * takes M only if it read every unsealed row up to M (it was not cut off by
 * its size limit below M).
 *
 * A proposal waits until it is taken: a newer one would wait for newer
 * transactions, and under steady load might never be taken. Only within a
 * backlog (a batch that goes on after the previous one of its round, and
 * reads above it) is it replaced, so that the next round takes the end of
 * the backlog instead of its first batch.
 */
export function scanFrom(head: BatchHead, afterId?: bigint): string {
  return afterId === undefined || afterId <= BigInt(head.sealedBelow) ? head.sealedBelow : afterId.toString();
}

/**
 * The watermarks after a batch that read from `scanFrom(head, afterId)` and
 * sealed up to `maxId`; `full` when it took as many rows as a batch may.
 */
export function nextWatermarks(head: BatchHead, afterId: bigint | undefined, maxId: string, full: boolean): Watermarks {
  const { sealedBelow, pendingBelow } = head;
  const propose: Watermarks = { sealedBelow, pendingBelow: maxId, pendingNow: true };
  if (pendingBelow === undefined || afterId !== undefined) return propose;
  const covered = !full || BigInt(maxId) >= BigInt(pendingBelow);
  if (head.pendingDone && covered) {
    return { ...propose, sealedBelow: BigInt(pendingBelow) > BigInt(sealedBelow) ? pendingBelow : sealedBelow };
  }
  return { sealedBelow, pendingBelow, pendingNow: false };
}
