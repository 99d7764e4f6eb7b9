import { ThrottlerException } from '@nestjs/throttler';

/**
 * A 429 decision, with what the response and the deferred bookkeeping need:
 * the error renderer turns it into the contract's shape (`rate_limited` on
 * /oauth, problem+json on /v1) and passes `Retry-After` on; the recorder
 * counts it and audits the first rejection of a block.
 */
export class RateLimitedException extends ThrottlerException {
  readonly headers: Record<string, string>;

  constructor(
    readonly group: string,
    readonly retryAfterSeconds: number,
    /** True only for the hit that started the block: one audit row per key and window. */
    readonly firstRejection: boolean,
    /** The hashed store key (never the username, IP or credential it counts). */
    readonly key: string,
    readonly limit: number,
  ) {
    super('Too many requests');
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}
