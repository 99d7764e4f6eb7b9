import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contractViolations, Res } from './contract';

const RID = 'rid-1';

function problem(extra: Record<string, unknown>): Res {
  const body = {
    type: 'urn:auth-service:problem:validation_failed',
    title: 'Bad Request',
    status: 400,
    detail: 'The request body or query is invalid.',
    request_id: RID,
    ...extra,
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'x-request-id': RID };
  return { status: 400, text: JSON.stringify(body), body, header: (name) => headers[name.toLowerCase()] };
}

const req = { method: 'PATCH', path: '/v1/roles/x', requestId: RID };

/** The fuzzer's contract check: what the request carried may come back; internal details may not. */
describe('contract check of error bodies', () => {
  it('accepts a short field name of the request named by a validation error', () => {
    const res = problem({
      errors: [
        { field: 'pG', message: 'should not exist' },
        { field: 'a.pG', message: 'x' },
      ],
    });
    assert.deepEqual(contractViolations({ ...req, echo: ['pG', 'a'] }, res), []);
  });

  it('still reports a driver name the request did not carry, short or long', () => {
    const res = problem({ errors: [{ field: 'name', message: 'pg said no' }] });
    assert.equal(contractViolations({ ...req, echo: ['pg'] }, res).length, 1);
    const leak = problem({ errors: [{ field: 'postgres', message: 'x' }] });
    assert.equal(contractViolations({ ...req, echo: ['name'] }, leak).length, 1);
  });
});
