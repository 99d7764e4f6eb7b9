import { LoadSummary } from '../load/spec';

/**
 * Runs each load `rounds` times, interleaved (a, b, a, b, ...): on a shared
 * machine the neighbours change by the minute, so loads compared with each
 * other must take turns. Returns the runs of each load, in order.
 */
export async function interleaved(
  rounds: number,
  loads: ((round: number) => Promise<LoadSummary>)[],
): Promise<LoadSummary[][]> {
  const runs: LoadSummary[][] = loads.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    for (const [i, load] of loads.entries()) runs[i].push(await load(round));
  }
  return runs;
}

/** The run with the most 2xx/s: a single pair mostly measures what the neighbours did meanwhile. */
export function best(runs: LoadSummary[]): LoadSummary {
  return runs.reduce((top, r) => (r.rps > top.rps ? r : top));
}

/** Non-2xx answers, socket errors, timeouts and body mismatches of every run. */
export function failuresOf(runs: LoadSummary[]): number {
  return runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts + r.mismatches, 0);
}

/** Mean service CPU time per request over the runs (us), when it was measured. */
export function cpuPerRequest(runs: LoadSummary[]): number | undefined {
  const known = runs.map((r) => r.extra.serverCpuUsPerRequest).filter((x): x is number => x !== undefined);
  return known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0) / known.length;
}

/** "service CPU per request 120 vs 100 us (1.20x)", or nothing where /proc is missing. */
export function cpuFigure(runs: LoadSummary[], against: LoadSummary[]): string | undefined {
  const mine = cpuPerRequest(runs);
  const theirs = cpuPerRequest(against);
  if (mine === undefined || theirs === undefined) return undefined;
  return `service CPU per request ${mine.toFixed(0)} vs ${theirs.toFixed(0)} us (${(mine / theirs).toFixed(2)}x)`;
}
