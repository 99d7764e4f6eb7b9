import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from './tx';

/** Queries and transactions over the TypeORM data source (the transaction helper of DESIGN.md). */
@Injectable()
export class Database {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement outside of a transaction (autocommit). */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await new Tx(runner).query<T>(sql, params);
    } finally {
      await runner.release();
    }
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.query<T>(sql, params))[0];
  }

  /** Runs `work` in one transaction; commit hooks run after COMMIT, never after a rollback. */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const tx = new Tx(runner);
    try {
      await runner.startTransaction();
      const result = await work(tx);
      await tx.runPreCommitHooks();
      await runner.commitTransaction();
      tx.runCommitHooks();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
