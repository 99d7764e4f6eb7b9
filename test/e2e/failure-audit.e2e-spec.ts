import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FailureAudit } from '../../src/audit/failure-audit.service';
import { basic, postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createClient } from '../factories';

const TOKEN_PER_IP = 120;

/** Issue 9 item 8: one damper for every failure kind; a flood is a bounded number of rows whose counts add up. */
describe('failure audit damping', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_TOKEN_PER_IP: String(TOKEN_PER_IP) });
  });
  after(() => app.close());

  const counts = (rows: { details: Record<string, unknown> }[]): number =>
    rows.reduce((n, r) => n + Number(r.details.count), 0);

  it('200 wrong client secrets from one IP: a bounded number of rows, counts adding up to the refusals', async () => {
    const client = await createClient(app);
    const ip = '10.77.0.1';
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await postForm(
        `${app.url}/oauth/token`,
        { grant_type: 'client_credentials' },
        { ...basic(client.clientId, `cs_wrong_${i}`), 'x-forwarded-for': ip },
      );
      statuses.push(res.status);
    }
    const refused = statuses.filter((s) => s === 401).length;
    const limited = statuses.filter((s) => s === 429).length;
    assert.equal(refused + limited, 200);
    assert.ok(refused > 0 && limited > 0, `${refused} x 401, ${limited} x 429`);

    const authRows = () => auditRows(app, `event_type = 'client.auth_failed' AND ip = $1`, [ip]);
    const limitRows = () => auditRows(app, `event_type = 'rate_limit.exceeded' AND ip = $1`, [ip]);
    // Within the window: one row each so far, for the first refusal.
    assert.equal((await authRows()).length, 1);
    assert.equal((await authRows())[0].details.count, 1);
    assert.equal((await authRows())[0].subject_id, client.clientId);

    // Close the window: the owed rows carry the counts of everything suppressed.
    await app.get(FailureAudit).flush(Date.now() + 61_000);
    const auth = await authRows();
    assert.equal(auth.length, 2);
    assert.equal(counts(auth), refused);
    assert.equal(auth[1].details.reason, 'invalid_secret');
    assert.equal(auth[1].details.window_seconds, 60);
    const limits = await eventuallyRows(limitRows);
    assert.ok(limits.length <= 2, `${limits.length} rate_limit.exceeded rows`);
    assert.equal(counts(limits), limited);
  });
});

/** rate_limit.exceeded is written after the response (an observer): wait until its rows are there. */
async function eventuallyRows<T>(read: () => Promise<T[]>): Promise<T[]> {
  for (let i = 0; i < 50; i++) {
    const rows = await read();
    if (rows.length > 0) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}
