import type { BenchContext } from '../lib/context';
import type { LoadSummary } from '../load/spec';

/** Endpoints that land at different times; a part needing a missing one is skipped, not failed. */
export type Feature = 'introspect' | 'revoke' | 'apiKeys';

/** What "good" means for a row; checked once the bare baseline is known. */
export interface Target {
  minRps?: number;
  /** Fraction of the bare node:http baseline's requests/s (information; no hot-path target uses it). */
  minRatio?: number;
  maxP99Ms?: number;
  /** Ratio to the reference introspection (../shared/bench/reference-introspect.mjs), same run. */
  minReference?: number;
  /** Ratio to node-oidc-provider (introspection, or client_credentials with RS256 JWTs), same run. */
  minPeer?: number;
  /** Free-form target for rows that are not a load run (fan-out, query count). */
  text?: string;
}

export interface Row {
  id: string;
  label: string;
  /** Throughput rows: the autocannon summary. */
  load?: LoadSummary;
  target?: Target;
  /** Non-load rows: the headline numbers, already formatted. */
  figures?: string;
  /** Non-load rows decide their own verdict. */
  pass?: boolean;
  /**
   * The reference and peer rounds measured just before and just after this
   * row's part (interleaved), set by the harness on hot-path rows.
   */
  comparison?: { reference: number; peerIntrospect: number; peerToken: number };
  note?: string;
}

export interface Part {
  id: string;
  title: string;
  needs: Feature[];
  run(ctx: BenchContext): Promise<Row[]>;
}
