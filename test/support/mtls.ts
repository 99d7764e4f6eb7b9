import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { adminSession } from '../factories';
import { request } from './http';
import type { PkiLeaf } from './pki';
import type { TestApp } from './test-app';

export interface MtlsAnswer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/**
 * A form POST over HTTPS that trusts `caFile` and presents `leaf` as client
 * certificate (or none); a new connection each time unless given an agent.
 */
export function mtlsPost(
  app: TestApp,
  caFile: string,
  path: string,
  form: Record<string, string>,
  leaf?: PkiLeaf,
  agent: Agent | false = false,
): Promise<MtlsAnswer> {
  const tls = leaf ? { cert: leaf.certPem, key: leaf.keyPem } : {};
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${app.url}${path}`,
      {
        method: 'POST',
        ca: readFileSync(caFile),
        agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        ...tls,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(new URLSearchParams(form).toString());
  });
}

/** RFC 8705 §3.1: base64url SHA-256 of the certificate's DER. */
export function thumbprint(leaf: PkiLeaf): string {
  return createHash('sha256').update(new X509Certificate(leaf.certPem).raw).digest('base64url');
}

/** The claims of a JWT, unverified (the tests check what was issued, JWKS verification is tested elsewhere). */
export function claimsOf(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Registers a client through the admin API of a plain-HTTP instance; returns its client_id. */
export async function registerClient(app: TestApp, body: Record<string, unknown>): Promise<string> {
  const { token } = await adminSession(app);
  const res = await request('POST', `${app.url}/v1/clients`, {
    token,
    json: { name: 'mtls', confidential: true, grant_types: ['client_credentials'], ...body },
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.client_secret, undefined);
  return String(res.body.client_id);
}
