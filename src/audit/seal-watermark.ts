import type { LockedHead, Watermarks } from './audit-chain.repository';

/**
 * Where a sealing batch reads, and the watermarks it leaves.
 *
 * Ids are handed out at INSERT and rows commit in another order, so a batch
 * can miss a row with an id below the largest it seals: that row's
 * transaction was still open when the batch read (a straggler). The queue is
 * therefore "rows above the watermark without a seal", and the watermark
 * trails: a batch proposes its largest id as the next one (pending), and a
 * later batch that reads from the current watermark takes it once no
 * transaction that was open when it was proposed is still open. Every
 * straggler below it had such a transaction: it began before its id was
 * handed out, before the proposing batch read. So it has committed, before
 * this batch read from below it, and this batch seals it; or it rolled back.
 *
 * A proposal waits until it is taken (a newer one would wait for newer
 * transactions, and under load never be taken); a batch that goes on after
 * the previous one of its round reads above its ids and takes none.
 */
export function scanFrom(head: LockedHead, afterId?: bigint): string {
  return afterId === undefined || afterId <= BigInt(head.sealedBelow) ? head.sealedBelow : afterId.toString();
}

/** The watermarks after a batch that read from `scanFrom(head, afterId)` and sealed up to `maxId`. */
export function nextWatermarks(head: LockedHead, afterId: bigint | undefined, maxId: string): Watermarks {
  const fromWatermark = afterId === undefined;
  if (fromWatermark && head.pendingDone && head.pendingBelow !== undefined) {
    const taken = BigInt(head.pendingBelow) > BigInt(head.sealedBelow) ? head.pendingBelow : head.sealedBelow;
    return { sealedBelow: taken, pendingBelow: maxId, pendingNow: true };
  }
  if (head.pendingBelow !== undefined) {
    return { sealedBelow: head.sealedBelow, pendingBelow: head.pendingBelow, pendingNow: false };
  }
  return { sealedBelow: head.sealedBelow, pendingBelow: maxId, pendingNow: true };
}
