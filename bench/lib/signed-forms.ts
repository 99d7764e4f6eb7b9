import { createHmac, randomBytes } from 'node:crypto';
import { contentDigest, signRequest, SigningSecret } from '@auth-service/auth-kit';
import { httpbis } from 'http-message-signatures';

/** The request a service signs and another one receives; only the signature parameters change between forms. */
const METHOD = 'POST';
const TARGET = 'https://resource.bench/v1/items';
const BODY = '{"item":"bench"}';
const FIELDS = ['@method', '@target-uri', 'content-digest'];
const VALIDITY_SECONDS = 300;

/** The form fields of POST /oauth/signatures/verify. */
export type VerifyForm = Record<'signature_input' | 'signature' | 'signature_base', string>;

/**
 * Builds signed-request forms for the verification endpoint, many per
 * second: each with its own 128-bit nonce (the service accepts a nonce
 * once), signed now and valid 300 s. The kit's signer (`signRequest`)
 * costs ~0.2 ms a signature, too slow for 100,000 of them, so the
 * signature is computed here with node:crypto, and `crossCheck` proves on
 * every run that it is byte for byte what the kit sends. The base is what
 * a receiving service builds from the request it got (http-message-signatures,
 * as the kit's guard does): the component lines, then the parameters.
 */
export class SignedForms {
  private readonly lines: string;
  private readonly hmacKey: Buffer;
  private readonly digest = contentDigest(BODY);

  constructor(private readonly secret: SigningSecret) {
    const received = { method: METHOD, url: TARGET, headers: { 'content-digest': this.digest } };
    this.lines = httpbis.formatSignatureBase(httpbis.createSignatureBase({ fields: FIELDS }, received));
    this.hmacKey = Buffer.from(secret.secret, 'utf8');
  }

  /** `count` forms with distinct nonces, created now, URL-encoded as the endpoint takes them. */
  bodies(count: number, now = Date.now()): string[] {
    const created = Math.floor(now / 1000);
    const nonces = randomBytes(16 * count);
    return Array.from({ length: count }, (_, i) => {
      const form = this.form(created, nonces.subarray(16 * i, 16 * (i + 1)).toString('base64url'));
      return Object.entries(form)
        .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
        .join('&');
    });
  }

  form(created: number, nonce: string): VerifyForm {
    const params =
      `(${FIELDS.map((f) => `"${f}"`).join(' ')});created=${created};expires=${created + VALIDITY_SECONDS}` +
      `;nonce="${nonce}";keyid="${this.secret.keyid}";alg="hmac-sha256";tag="auth-service"`;
    const base = `${this.lines}\n"@signature-params": ${params}`;
    const mac = createHmac('sha256', this.hmacKey).update(base).digest('base64');
    return { signature_input: `sig=${params}`, signature: `sig=:${mac}:`, signature_base: base };
  }

  /** Signs one request with the kit and checks that `form` gives the same headers for its created and nonce. */
  async crossCheck(): Promise<void> {
    const headers = new Headers({ 'content-type': 'application/json' });
    await signRequest({ method: METHOD, url: TARGET, headers, body: BODY }, this.secret);
    const input = headers.get('signature-input') ?? '';
    const created = Number(/;created=(\d+)/.exec(input)?.[1]);
    const nonce = /;nonce="([^"]+)"/.exec(input)?.[1] ?? '';
    const mine = this.form(created, nonce);
    if (
      headers.get('content-digest') !== this.digest ||
      mine.signature_input !== input ||
      mine.signature !== headers.get('signature')
    ) {
      throw new Error(`the bench's signed forms differ from the kit's signature: ${input}`);
    }
  }
}
