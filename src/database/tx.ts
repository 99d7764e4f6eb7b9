import type { QueryRunner } from 'typeorm';

/**
 * A unit of work on one connection. `query` returns rows for every
 * statement kind (also UPDATE ... RETURNING). `afterCommit` callbacks run
 * once the transaction has committed: local cache updates go there, so an
 * instance never acts on a change that was rolled back.
 */
export class Tx {
  private readonly commitHooks: (() => void)[] = [];
  private readonly preCommitHooks: (() => Promise<void>)[] = [];

  constructor(private readonly runner: QueryRunner) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.runner.query(sql, params, true);
    return result.records as T[];
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.query<T>(sql, params))[0];
  }

  afterCommit(hook: () => void): void {
    this.commitHooks.push(hook);
  }

  /**
   * Runs as the last work of the transaction, just before COMMIT: for a write
   * that must take a short-lived lock without holding it through the rest of
   * the work (the revocation feed's ordered append).
   */
  beforeCommit(hook: () => Promise<void>): void {
    this.preCommitHooks.push(hook);
  }

  /** @internal run by Database just before COMMIT. */
  async runPreCommitHooks(): Promise<void> {
    for (const hook of this.preCommitHooks.splice(0)) await hook();
  }

  /** @internal run by Database once the transaction committed. */
  runCommitHooks(): void {
    for (const hook of this.commitHooks.splice(0)) hook();
  }
}
