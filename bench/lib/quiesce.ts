import { UNSEALED_ROWS } from '../../src/audit/audit-row';
import type { BenchContext } from './context';
import { log } from './context';

/**
 * Waits until the service has sealed every audit row (none without a row
 * in `audit_seals`). Minting thousands of fixtures (tokens, API keys) leaves the sealer
 * a backlog; measured while it drains, a row would time the bulk set-up
 * instead of the hot path. Sealing at full load is measured by part `audit`.
 */
export async function awaitAuditSealed(ctx: BenchContext, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const [row] = await ctx.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM (SELECT 1 FROM ${UNSEALED_ROWS} LIMIT 1000) q`,
    );
    if (row.n === '0') break;
    if (Date.now() - started > timeoutMs) {
      log(`audit rows still unsealed after ${timeoutMs} ms (${row.n}+); measuring anyway`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`audit chain sealed (waited ${Date.now() - started} ms)`);
}
