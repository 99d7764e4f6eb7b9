import assert from 'node:assert/strict';
import { contractViolations, Res, SentRequest } from './contract';

const MAX_FINDINGS = 60;

function defaultRoute(path: string): string {
  return path.split('?')[0].replace(/\/[^/]{25,}|\/%[^/]*/g, '/…');
}

/**
 * Collects contract violations across many requests, so one run reports
 * every distinct bug (deduplicated by route and problem) instead of the first.
 */
export class Findings {
  private readonly seen = new Map<string, string>();
  /**
   * Secrets the fuzzer itself sent as data (a key pasted into a name, say). The service stores
   * and shows such a value as the caller's text: that is an echo, not a leak, here and in every
   * later answer that lists it.
   */
  private readonly planted = new Set<string>();

  constructor(private readonly secrets: () => readonly string[] = () => []) {}

  /**
   * Checks the contract plus `extra` expectations (each a message when
   * broken, or null). `route` groups findings (default: the path with long
   * or encoded segments folded).
   */
  check(label: string, req: SentRequest, res: Res, ...extra: (string | null)[]): void {
    this.checkOn(defaultRoute(req.path), label, req, res, ...extra);
  }

  checkOn(route: string, label: string, req: SentRequest, res: Res, ...extra: (string | null)[]): void {
    const secrets = this.secrets();
    for (const sent of req.echo ?? [])
      for (const secret of secrets) if (sent.includes(secret)) this.planted.add(secret);
    const unplanted = secrets.filter((secret) => !this.planted.has(secret));
    const problems = [...contractViolations(req, res, unplanted), ...extra.filter((e): e is string => e !== null)];
    for (const p of problems)
      this.record(`${req.method} ${route}: ${p}`, `[${label}] -> ${res.status} ${res.text.slice(0, 160)}`);
  }

  /** A finding that is not about a response (a dropped connection, a broken invariant). */
  record(key: string, example: string): void {
    if (!this.seen.has(key) && this.seen.size < MAX_FINDINGS) this.seen.set(key, `${key}\n    e.g. ${example}`);
  }

  get count(): number {
    return this.seen.size;
  }

  assertNone(): void {
    assert.equal(
      this.seen.size,
      0,
      `${this.seen.size} contract violation(s):\n  ${[...this.seen.values()].join('\n  ')}`,
    );
  }
}

/** An expectation on the status: null when `res.status` is one of `allowed`. */
export function expectStatus(res: Res, allowed: readonly number[]): string | null {
  return allowed.includes(res.status) ? null : `status ${res.status}, expected one of ${allowed.join('/')}`;
}
