/**
 * A background job that runs after `firstDelayMs`, then every `intervalMs`:
 * never two runs at once (a slow run makes the next tick skip), failures go
 * to `onError` (the job keeps its schedule), timers never hold the process
 * open, and `stop()` waits for the run in progress.
 */
export class PeriodicJob {
  private readonly timers: NodeJS.Timeout[];
  private current?: Promise<void>;
  private stopped = false;

  constructor(
    run: () => Promise<unknown>,
    o: { firstDelayMs: number; intervalMs: number; onError: (err: unknown) => void },
  ) {
    const tick = (): void => {
      if (this.stopped || this.current) return;
      this.current = run()
        .then(
          () => undefined,
          (err: unknown) => o.onError(err),
        )
        .finally(() => (this.current = undefined));
    };
    this.timers = [setTimeout(tick, o.firstDelayMs), setInterval(tick, o.intervalMs)];
    for (const timer of this.timers) timer.unref();
  }

  /** True once stop() was called: a long run checks it between batches. */
  get stopping(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.current;
  }
}
