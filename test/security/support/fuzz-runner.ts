import fc from 'fast-check';
import { FuzzCase } from './fuzz-requests';
import { RawClient, RawResponse } from './raw-http';

/**
 * Drives generated requests at the service with a fixed number in flight,
 * until a request-count target is met or a time cap runs out, whichever is
 * first. Cases are drawn lazily in seeded batches, so a run is
 * reproducible from its seed (printed by the spec).
 */
export interface FuzzRun {
  arbitrary: fc.Arbitrary<FuzzCase>;
  seed: number;
  target: number;
  capMs: number;
  concurrency: number;
  /** Sees every outcome: a response, or the transport error the request died of. */
  observe(c: FuzzCase, outcome: RawResponse | Error, ms: number): void;
}

export interface FuzzStats {
  sent: number;
  elapsedMs: number;
  byStatus: Record<string, number>;
  admin: number;
  transportErrors: number;
}

const BATCH = 400;

export async function runFuzz(client: RawClient, run: FuzzRun): Promise<FuzzStats> {
  const started = Date.now();
  const stats: FuzzStats = { sent: 0, elapsedMs: 0, byStatus: {}, admin: 0, transportErrors: 0 };
  let queue: FuzzCase[] = [];
  let batch = 0;
  let issued = 0;
  const next = (): FuzzCase | undefined => {
    if (issued >= run.target || Date.now() - started > run.capMs) return undefined;
    if (queue.length === 0) queue = fc.sample(run.arbitrary, { numRuns: BATCH, seed: run.seed + batch++ });
    issued++;
    return queue.pop();
  };
  const worker = async (): Promise<void> => {
    for (let c = next(); c !== undefined; c = next()) {
      const t0 = Date.now();
      let outcome: RawResponse | Error;
      try {
        outcome = await client.send(
          { method: c.method, path: c.path, headers: c.headers, body: c.body, chunked: c.chunked },
          15_000,
        );
        stats.byStatus[outcome.status] = (stats.byStatus[outcome.status] ?? 0) + 1;
      } catch (err) {
        outcome = err instanceof Error ? err : new Error(String(err));
        stats.transportErrors++;
      }
      stats.sent++;
      if (c.admin) stats.admin++;
      run.observe(c, outcome, Date.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, worker));
  stats.elapsedMs = Date.now() - started;
  return stats;
}
