import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, FeedStaleError, InsufficientPermissionError, InvalidTokenError } from '../errors';
import { refusalFor } from './challenge';

describe('refusalFor (RFC 6750 answers)', () => {
  it('401 without error code when no credential was sent', () => {
    const r = refusalFor(new InvalidTokenError('none', true), 'api');
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="api"');
  });

  it('401 invalid_token, without the internal reason', () => {
    const r = refusalFor(new InvalidTokenError('ERR_JWT_EXPIRED'), 'api');
    assert.equal(r.status, 401);
    assert.match(r.headers['www-authenticate'], /error="invalid_token"/);
    assert.doesNotMatch(JSON.stringify(r), /ERR_JWT/);
    assert.equal(r.headers['content-type'], 'application/problem+json');
  });

  it('403 insufficient_scope naming the scope needed', () => {
    const r = refusalFor(new InsufficientPermissionError(['lyrics:read']), 'api');
    assert.equal(r.status, 403);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope", scope="lyrics:read"');
  });

  it('503 with Retry-After for a stale feed, 500 without detail for anything else', () => {
    const stale = refusalFor(new FeedStaleError('stale'), 'api');
    assert.equal(stale.status, 503);
    assert.equal(stale.headers['retry-after'], '5');
    const config = refusalFor(new ConfigurationError('bad secret for client x'), 'api');
    assert.equal(config.status, 500);
    assert.doesNotMatch(JSON.stringify(config.body), /secret/);
  });
});
