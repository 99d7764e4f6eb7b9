import { createHash, randomBytes } from 'node:crypto';
import { createSigner, httpbis } from 'http-message-signatures';

export interface Secret {
  keyid: string;
  secret: string;
  created_at: string;
}

export interface Signed {
  signature_input: string;
  signature: string;
  signature_base: string;
}

const FIELDS_POST = ['@method', '@target-uri', 'content-digest'];

/**
 * Signs a request as a service would (the kit does the same), then builds
 * the signature base as the receiving service would, from what it received.
 */
export async function sign(
  secret: Secret,
  options: { created?: number; expires?: number; nonce?: string; body?: string; receivedBody?: string } = {},
): Promise<Signed> {
  const body = options.body ?? '{"song":"x"}';
  const digest = (b: string): string => `sha-256=:${createHash('sha256').update(b).digest('base64')}:`;
  const created = options.created ?? Math.floor(Date.now() / 1000);
  const message = {
    method: 'POST',
    url: 'https://lyrics.internal/v1/songs',
    headers: { 'content-type': 'application/json', 'content-digest': digest(body) } as Record<string, string>,
  };
  const signed = await httpbis.signMessage(
    {
      key: createSigner(Buffer.from(secret.secret, 'utf8'), 'hmac-sha256', secret.keyid),
      fields: FIELDS_POST,
      params: ['created', 'expires', 'nonce', 'keyid', 'alg', 'tag'],
      paramValues: {
        created: new Date(created * 1000),
        expires: new Date((options.expires ?? created + 300) * 1000),
        nonce: options.nonce ?? randomBytes(16).toString('base64url'),
        tag: 'auth-service',
      },
    },
    message,
  );
  const input = String(signed.headers['Signature-Input'] ?? signed.headers['signature-input']);
  const signature = String(signed.headers.Signature ?? signed.headers.signature);
  // The receiver recomputes Content-Digest from the body it got and builds the base from that.
  const received = {
    ...message,
    headers: { ...message.headers, 'content-digest': digest(options.receivedBody ?? body) },
  };
  const lines = httpbis.formatSignatureBase(httpbis.createSignatureBase({ fields: FIELDS_POST }, received));
  const member = input.slice(input.indexOf('=') + 1);
  return { signature_input: input, signature, signature_base: `${lines}\n"@signature-params": ${member}` };
}
