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
