import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

/**
 * A throw-away database per run on the real PostgreSQL server, dropped at
 * the end, pass or fail.
 */
export class BenchDatabase {
  readonly name = `auth_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  readonly url: string;
  private pool?: Pool;

  private constructor(
    private readonly admin: Client,
    adminUrl: string,
  ) {
    const url = new URL(adminUrl);
    url.pathname = `/${this.name}`;
    this.url = url.toString();
  }

  static async create(adminUrl: string): Promise<BenchDatabase> {
    const admin = new Client({ connectionString: adminUrl, application_name: 'auth-bench-admin' });
    await admin.connect();
    const db = new BenchDatabase(admin, adminUrl);
    await admin.query(`CREATE DATABASE ${db.name}`);
    return db;
  }

  async serverVersion(): Promise<string> {
    const { rows } = await this.admin.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0].v;
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.pool ??= new Pool({ connectionString: this.url, max: 4, application_name: 'auth-bench-seed' });
    return (await this.pool.query<T>(sql, params)).rows;
  }

  async closePool(): Promise<void> {
    await this.pool?.end();
    this.pool = undefined;
  }

  async drop(): Promise<void> {
    await this.closePool();
    await this.admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    await this.admin.end();
  }
}
