/** What a group's work says about one of its items: its value, or the error of that item alone. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface GroupCommitOptions<I> {
  /** Items per group at most. */
  maxGroup: number;
  /** Groups in flight at once: while they run, the next group gathers. */
  maxInFlight: number;
  /**
   * Items with the same key never share a group, nor run in two groups at
   * once: a later one waits for the group of the earlier one to finish.
   * For work that locks rows by key, this rules out lock waits and
   * deadlocks between the groups themselves.
   */
  keyOf?: (item: I) => string;
}

interface Queued<I, O> {
  item: I;
  key: string | undefined;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items submitted together are handed to `work` as one group
 * (one transaction, one WAL flush instead of one per item). Each submitter
 * is settled only after its group's work has finished, with its own
 * outcome; if the work itself fails, every item of the group fails with it.
 * No timer: a group leaves as soon as a slot is free, and grows by itself
 * while the slots are busy (the busier, the larger). Items queued in the
 * same turn of the event loop join the same group.
 */
export class GroupCommit<I, O> {
  private queue: Queued<I, O>[] = [];
  private readonly busyKeys = new Set<string>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly work: (items: I[]) => Promise<Settled<O>[]>,
    private readonly options: GroupCommitOptions<I>,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, key: this.options.keyOf?.(item), resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a group (not those in flight). */
  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.options.maxInFlight) return;
    const group = this.take();
    if (group.length === 0) return;
    this.inFlight++;
    this.run(group).finally(() => {
      this.inFlight--;
      for (const q of group) if (q.key !== undefined) this.busyKeys.delete(q.key);
      this.schedule();
    });
    this.schedule();
  }

  /** The next group in FIFO order, leaving behind items whose key is busy. */
  private take(): Queued<I, O>[] {
    if (!this.options.keyOf) return this.queue.splice(0, this.options.maxGroup);
    const group: Queued<I, O>[] = [];
    const rest: Queued<I, O>[] = [];
    for (const q of this.queue) {
      if (group.length < this.options.maxGroup && !this.busyKeys.has(q.key as string)) {
        this.busyKeys.add(q.key as string);
        group.push(q);
      } else {
        rest.push(q);
      }
    }
    this.queue = rest;
    return group;
  }

  private async run(group: Queued<I, O>[]): Promise<void> {
    let outcomes: Settled<O>[];
    try {
      outcomes = await this.work(group.map((q) => q.item));
    } catch (err) {
      for (const q of group) q.reject(err);
      return;
    }
    group.forEach((q, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) q.reject(new Error('group work returned no outcome for an item'));
      else if (outcome.ok) q.resolve(outcome.value);
      else q.reject(outcome.error);
    });
  }
}
