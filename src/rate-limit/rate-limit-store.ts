import type { ThrottlerStorage } from '@nestjs/throttler';

/** Every budget in this service is per minute (API.md: "Rate limits (per minute)"). */
export const WINDOW_MS = 60_000;

/**
 * Repeated violations block for growing periods: the n-th violation
 * within STRIKE_MEMORY_MS blocks for base * 2^(n-1), capped at MAX_BLOCK_MS.
 * The cap bounds how long an attacker can keep someone else's username (or
 * a shared NAT address) out; the account lockout is the other line of defence.
 */
export const MAX_BLOCK_MS = 15 * 60_000;
export const STRIKE_MEMORY_MS = 60 * 60_000;

export function backoffMs(baseMs: number, strikes: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, strikes - 1), MAX_BLOCK_MS);
}

/**
 * @nestjs/throttler's storage record (times in seconds), plus whether this
 * very hit started the block (used to audit once per key and window).
 */
export interface RateLimitRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
  firstRejection: boolean;
}

/**
 * Fixed-window counter with blocking and exponential backoff. Keys are
 * already keyed-hashed (see RateLimitKeys): stores never see a username, IP or
 * credential in clear. Times in the record are whole seconds, rounded up.
 */
export interface RateLimitStore extends ThrottlerStorage {
  increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
    throttlerName: string,
  ): Promise<RateLimitRecord>;
  /** Milliseconds the key stays blocked, 0 when it is not blocked. Read-only. */
  blockedFor(key: string): Promise<number>;
}

export function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
