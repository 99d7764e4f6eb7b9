import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.issuer, 'http://localhost:3000');
    assert.equal(c.accessTokenTtl, 900);
    assert.equal(c.refreshTokenTtl, 2_592_000);
    assert.equal(c.bcryptCost, 12);
    assert.equal(c.lockoutMaxAttempts, 5);
    assert.equal(c.lockoutSeconds, 300);
    assert.equal(c.passwordMinLength, 12);
    assert.equal(c.bodyLimitBytes, 10_240);
    assert.equal(c.bootstrapClientId, 'cli');
    assert.equal(c.adminMfaRequired, true);
    assert.equal(c.signingAlgorithm, 'RS256');
    assert.equal(c.signingKeyActivationSeconds, 600);
    assert.ok(c.signingWorkers >= 1 && c.signingWorkers <= 4);
    assert.equal(c.tokenPurgeIntervalSeconds, 3_600);
  });

  it('names the variable when a value is bad', () => {
    assert.throws(() => loadConfig({ PORT: 'abc' }), /PORT/);
    assert.throws(() => loadConfig({ BCRYPT_COST: '4' }), /BCRYPT_COST/);
    assert.throws(() => loadConfig({ KEY_ENCRYPTION_KEY: 'c2hvcnQ=' }), /KEY_ENCRYPTION_KEY/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ ADMIN_MFA_REQUIRED: 'maybe' }), /ADMIN_MFA_REQUIRED/);
    assert.throws(() => loadConfig({ SIGNING_ALGORITHM: 'HS256' }), /SIGNING_ALGORITHM/);
    // EdDSA is no longer in the contract (jsonwebtoken, under @nestjs/jwt, does not sign it).
    assert.throws(() => loadConfig({ SIGNING_ALGORITHM: 'EdDSA' }), /SIGNING_ALGORITHM/);
    assert.throws(() => loadConfig({ SIGNING_KEY_ACTIVATION_SECONDS: '-1' }), /SIGNING_KEY_ACTIVATION_SECONDS/);
    assert.equal(loadConfig({ SIGNING_KEY_ACTIVATION_SECONDS: '0' }).signingKeyActivationSeconds, 0);
    assert.throws(() => loadConfig({ SIGNING_WORKERS: '0' }), /SIGNING_WORKERS/);
    assert.throws(() => loadConfig({ TOKEN_PURGE_INTERVAL_SECONDS: '0' }), /TOKEN_PURGE_INTERVAL_SECONDS/);
  });

  it('requires a key encryption key and a database in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' }), /KEY_ENCRYPTION_KEY/);
    const key = Buffer.alloc(32, 1).toString('base64');
    assert.throws(() => loadConfig({ NODE_ENV: 'production', KEY_ENCRYPTION_KEY: key }), /DATABASE_URL/);
    const c = loadConfig({ NODE_ENV: 'production', KEY_ENCRYPTION_KEY: key, DATABASE_URL: 'postgres://h/db' });
    assert.equal(c.keyEncryptionKey?.length, 32);
  });

  it('refuses PORT=0 unless ISSUER names the address clients use', () => {
    assert.throws(() => loadConfig({ PORT: '0' }), /PORT.*ISSUER/);
    const c = loadConfig({ PORT: '0', ISSUER: 'https://auth.example.com/' });
    assert.equal(c.port, 0);
    assert.equal(c.issuer, 'https://auth.example.com');
  });

  it('requires the bootstrap admin variables together', () => {
    assert.throws(() => loadConfig({ BOOTSTRAP_ADMIN_USERNAME: 'root' }), /BOOTSTRAP_ADMIN_PASSWORD/);
  });
});
