import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';

/** Readiness probes. Extended by other dependencies (Redis) as they are configured. */
@Injectable()
export class HealthService {
  private readonly probes: (() => Promise<boolean>)[] = [];

  constructor(private readonly db: Database) {}

  addProbe(probe: () => Promise<boolean>): void {
    this.probes.push(probe);
  }

  async ready(): Promise<boolean> {
    const results = await Promise.all([this.db.ping(), ...this.probes.map((p) => p().catch(() => false))]);
    return results.every(Boolean);
  }
}
