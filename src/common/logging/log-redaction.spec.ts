import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createRootLogger } from './logger';
import { PublicLogValue, redactValue, scrubText } from './log-redaction';

/** A QueryFailedError as TypeORM builds it: message, query, parameters, driverError with detail. */
function queryFailed(parameters: unknown[], detail: string): Error {
  const driverError = Object.assign(new Error('new row for relation "clients" violates check constraint "boom"'), {
    code: '23514',
    table: 'clients',
    constraint: 'boom',
    detail,
    parameters,
  });
  return Object.assign(new Error(driverError.message), {
    name: 'QueryFailedError',
    query:
      "INSERT INTO clients (client_id, secret_hash, note) VALUES ($1, $2, 'cs_inlineLiteralSecretValue0123456789')",
    parameters,
    driverError,
    code: '23514',
  });
}

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('log redaction', () => {
  const secret = 'cs_Q2xpZW50U2VjcmV0VmFsdWVUaGF0TXVzdE5vdExlYWs0Mg';
  const hash = Buffer.alloc(32, 0xab);
  const bcrypt = '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234';

  it('drops parameters and detail of a database error, masks SQL literals, keeps the diagnosis', async () => {
    const { lines, stream } = capture();
    const logger = createRootLogger('info', stream);
    const err = queryFailed([secret, hash, bcrypt], `Failing row contains (x, \\x${hash.toString('hex')}, ${bcrypt}).`);
    logger.error({ err, requestId: 'r1' }, 'unhandled error');
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    for (const leak of [secret, hash.toString('hex'), bcrypt, 'inlineLiteralSecretValue', '"data":[171']) {
      assert.ok(!out.includes(leak), `log leaks ${leak}: ${out}`);
    }
    const entry = JSON.parse(out) as { err: Record<string, unknown> };
    assert.equal(entry.err.type, 'QueryFailedError');
    assert.equal(entry.err.code, '23514');
    assert.match(
      String(entry.err.query),
      /INSERT INTO clients \(client_id, secret_hash, note\) VALUES \(\$1, \$2, '\?'\)/,
    );
    assert.equal((entry.err.driverError as Record<string, unknown>).constraint, 'boom');
    assert.equal((entry.err.driverError as Record<string, unknown>).detail, undefined);
  });

  it('masks credentials in messages and nested objects, whatever the key', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    assert.equal(scrubText(`refresh rt_${'a'.repeat(43)} failed`), 'refresh [redacted] failed');
    assert.ok(!scrubText(`Bearer ${jwt}`).includes(jwt.slice(20)));
    assert.equal(
      scrubText('at run (/work/wt/tokens/node_modules/typeorm/driver/postgres/Runner.js:12:3)').includes('[redacted]'),
      false,
    );
    const out = JSON.stringify(
      redactValue({ a: { b: [`x ${jwt}`] }, client_secret: secret, secret_hash: hash, ok: 'fine' }),
    );
    assert.ok(!out.includes(jwt) && !out.includes(secret) && !out.includes('171'), out);
    assert.match(out, /"ok":"fine"/);
  });

  it('redacts string arguments and Nest-style messages too', async () => {
    const { lines, stream } = capture();
    createRootLogger('info', stream).warn(`token ${secret} refused`);
    await new Promise((r) => setImmediate(r));
    assert.ok(!lines.join('').includes(secret));
  });

  it('passes a value marked public exactly, and still masks the same shapes unmarked', () => {
    const checkpoint = { seq: 7, hash: 'ab'.repeat(32), signature: 'Zz9'.repeat(28) };
    assert.deepEqual(redactValue({ audit_checkpoint: new PublicLogValue(checkpoint) }), {
      audit_checkpoint: checkpoint,
    });
    assert.notDeepEqual(redactValue({ audit_checkpoint: checkpoint }), { audit_checkpoint: checkpoint });
  });
});
