import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { request } from '../support/http';
import { startServiceProcess, ServiceProcess } from '../support/service-process';
import { startTestApp, testEnv, TestApp } from '../support/test-app';
import { adminSession, unique } from '../factories';

const ISSUER = 'http://auth.log-redaction.test';

/**
 * Unexpected database errors are logged, and TypeORM/pg errors carry the
 * statement's parameters (password hashes, secret hashes) and PostgreSQL's
 * `detail` quotes the failing row. The service runs as its own process, its
 * stdout (the log) is read whole, and the secrets must not be in it. The
 * failure is a real constraint violation raised by PostgreSQL during user
 * and client creation (a trigger, scoped to this test's names).
 */
describe('database errors are logged without secrets', () => {
  let factory: TestApp;
  let service: ServiceProcess;
  let admin: { token: string };
  const marker = unique('boom');

  before(async () => {
    factory = await startTestApp({ ISSUER });
    admin = await adminSession(factory);
    const db = factory.get(Database);
    await db.query(`
      CREATE OR REPLACE FUNCTION ${marker}_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'new row violates check constraint "${marker}"' USING ERRCODE = 'check_violation',
          DETAIL = 'Failing row contains (' || row_to_json(NEW)::text || ').';
      END $$`);
    await db.query(`CREATE TRIGGER ${marker}_users BEFORE INSERT ON users FOR EACH ROW
      WHEN (NEW.username LIKE '${marker}%') EXECUTE FUNCTION ${marker}_fail()`);
    await db.query(`CREATE TRIGGER ${marker}_clients BEFORE INSERT ON clients FOR EACH ROW
      WHEN (NEW.name LIKE '${marker}%') EXECUTE FUNCTION ${marker}_fail()`);
    service = await startServiceProcess(testEnv({ ISSUER, LOG_LEVEL: 'info' }), { captureStdout: true });
  });
  after(async () => {
    const db = factory.get(Database);
    await db.query(`DROP TRIGGER IF EXISTS ${marker}_users ON users`);
    await db.query(`DROP TRIGGER IF EXISTS ${marker}_clients ON clients`);
    await db.query(`DROP FUNCTION IF EXISTS ${marker}_fail()`);
    await service?.stop();
    await factory?.close();
  });

  it('a failed user and client creation log the error, not the password, its hash or the secret hash', async () => {
    const password = `Correct-Horse-${unique('pw')}`;
    const user = await request('POST', `${service.url}/v1/users`, {
      token: admin.token,
      json: { username: `${marker}_u`, password },
    });
    assert.equal(user.status, 500, user.text);
    const client = await request('POST', `${service.url}/v1/clients`, {
      token: admin.token,
      json: { name: `${marker}-client`, confidential: true, grant_types: ['client_credentials'] },
    });
    assert.equal(client.status, 500, client.text);
    await new Promise((r) => setTimeout(r, 300));

    const log = service.stdout();
    const errors = log.split('\n').filter((line) => line.includes(marker) && line.includes('"level":50'));
    assert.ok(errors.length >= 2, `both failures are logged: ${log.slice(-2_000)}`);
    assert.match(errors.join('\n'), /"code":"23514"/, 'the diagnosis (SQLSTATE) is kept');
    const leaks: [string, RegExp][] = [
      ['password', new RegExp(password)],
      ['bcrypt hash', /\$2[aby]\$\d\d\$/],
      ['bytea hash', /\\\\x[0-9a-f]{16,}/i],
      ['hex digest', /[0-9a-f]{64}/i],
      ['Buffer parameter', /"type":"Buffer"|"data":\[\d/],
      ['client secret', /cs_[A-Za-z0-9_-]{20,}/],
      ['parameters', /"parameters":\[/],
      ['row detail', /Failing row contains \(\{/],
    ];
    // The audit checkpoint line is the chain's public copy: its hash and signature are meant to be there.
    const scanned = log
      .split('\n')
      .filter((line) => !line.includes('"audit_checkpoint"'))
      .join('\n');
    for (const [name, pattern] of leaks) assert.doesNotMatch(scanned, pattern, `the log holds a ${name}`);
  });
});
