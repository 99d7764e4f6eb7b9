/**
 * What a resource service learns from the revocation feed (API.md "Revocation feed"):
 * - jti:     one access token
 * - sid:     a refresh family and every access token issued from it (exchanged ones included)
 * - sub:     a user or client: every token whose `sub` it is, issued at or before `revoked_at`
 * - api_key: one API key (by key id)
 * - kid:     a signing key withdrawn after compromise: every token it signed
 */
export type FeedKind = 'jti' | 'sid' | 'sub' | 'api_key' | 'kid';

/** An entry as it goes on the wire: times in NumericDate seconds, like token claims. */
export interface FeedEntry {
  kind: FeedKind;
  value: string;
  revoked_at: number;
  /** When the entry stops mattering; null = never (an API key that never expires). */
  until: number | null;
}

/** An entry with its position in the log (the cursor, a decimal string of the row id). */
export interface FeedItem {
  cursor: string;
  entry: FeedEntry;
}

export interface FeedPage {
  items: FeedEntry[];
  next_cursor: string;
}

/** Announced (NOTIFY) by every transaction that appended to the feed, after its rows are written. */
export const FEED_APPENDED = 'revocation_feed.appended';
