interface Usage {
  /** Latest use seen (epoch ms). */
  lastUse: number;
  /** A use not yet written. */
  dirty: boolean;
  /** When last_used_at was last written for this key (by anyone, as far as we know). */
  writtenAt: number | null;
}

export interface DueUse {
  id: string;
  at: Date;
}

/**
 * In-memory `last_used_at` bookkeeping, so a request never writes: a key's
 * first use is due at once (the flusher writes it within seconds), later
 * uses at most once per `intervalMs` per key.
 */
export class UsageTracker {
  private readonly uses = new Map<string, Usage>();

  constructor(private readonly intervalMs = 60_000) {}

  /** Records a use. `knownLastUsed` (from the loaded row) rate-limits the first write after a restart. */
  touch(id: string, knownLastUsed: number | null, now = Date.now()): void {
    const usage = this.uses.get(id);
    if (usage) {
      usage.lastUse = Math.max(usage.lastUse, now);
      usage.dirty = true;
    } else {
      this.uses.set(id, { lastUse: now, dirty: true, writtenAt: knownLastUsed });
    }
  }

  /** Uses to write now (all dirty ones when `all`, at shutdown); marks them written. */
  take(now = Date.now(), all = false): DueUse[] {
    const due: DueUse[] = [];
    for (const [id, usage] of this.uses) {
      if (!usage.dirty) {
        // Quiet for a whole interval: forget it; the next use counts as a first use again.
        if (usage.writtenAt === null || now - usage.writtenAt >= this.intervalMs) this.uses.delete(id);
        continue;
      }
      if (all || usage.writtenAt === null || now - usage.writtenAt >= this.intervalMs) {
        due.push({ id, at: new Date(usage.lastUse) });
        usage.dirty = false;
        usage.writtenAt = now;
      }
    }
    return due;
  }

  /** Puts uses back after a failed write, so the next flush retries them. */
  restore(failed: DueUse[]): void {
    for (const use of failed) {
      const usage = this.uses.get(use.id);
      if (usage) {
        usage.dirty = true;
        usage.writtenAt = null;
      }
    }
  }

  size(): number {
    return this.uses.size;
  }
}
