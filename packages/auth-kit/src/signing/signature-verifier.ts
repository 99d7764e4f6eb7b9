import { httpbis } from 'http-message-signatures';
import { isInnerList, parseDictionary, serializeItem } from 'structured-headers';
import { Discovery } from '../core/discovery';
import { basicAuth, callIssuer, readJson } from '../core/http';
import { ClientCredentials, FetchLike, RetryOptions } from '../core/types';
import { ConfigurationError, InvalidSignatureError } from '../errors';
import { contentDigestMatches } from './content-digest';
import { ReceivedRequest, SignatureOptions, VerifiedSignature } from './received-request';

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);
const refuse = (reason: string): never => {
  throw new InvalidSignatureError(reason);
};

/**
 * Checks an incoming RFC 9421 signature: the body against `Content-Digest`, the covered
 * `@authority` against our own, then rebuilds the signature base from the request as received
 * and asks `POST /oauth/signatures/verify`. Answers are never cached: each nonce is single-use,
 * and the service is the one place that remembers it for every instance.
 */
export class SignatureVerifier {
  private readonly authority: string;

  constructor(
    private readonly options: SignatureOptions,
    private readonly discovery: Discovery,
    private readonly fetchImpl: FetchLike,
    private readonly credentials: ClientCredentials,
    private readonly retry?: RetryOptions,
  ) {
    try {
      this.authority = new URL(`http://${options.authority}`).host;
    } catch {
      throw new ConfigurationError('signatures.authority must be host[:port]');
    }
  }

  async verify(request: ReceivedRequest): Promise<VerifiedSignature> {
    const input = one(request.headers['signature-input']);
    const signature = one(request.headers.signature);
    if (!input || !signature) throw new InvalidSignatureError('no signature', true);
    const fields = coveredComponents(input);
    this.checkBody(request, fields);
    const target = this.targetUri(request);
    const message = { method: request.method, url: target, headers: stringHeaders(request.headers) };
    let lines: string;
    try {
      lines = httpbis.formatSignatureBase(httpbis.createSignatureBase({ fields }, message));
    } catch {
      return refuse('a covered component is missing from the request');
    }
    const member = input.slice(input.indexOf('=') + 1).trim();
    const base = `${lines}\n"@signature-params": ${member}`;
    return this.ask({ signature_input: input, signature, signature_base: base });
  }

  /** A body must be covered by a digest that matches it: an unsigned body is an unauthenticated one. */
  private checkBody(request: ReceivedRequest, fields: string[]): void {
    const digest = one(request.headers['content-digest']);
    const hasBody = request.rawBody !== undefined && request.rawBody.length > 0;
    if (digest === undefined) {
      if (hasBody) refuse('a body without Content-Digest');
      return;
    }
    if (!fields.includes('"content-digest"')) refuse('Content-Digest not covered by the signature');
    // Frameworks keep no raw body when none came (no parser ran): only a body on the wire needs one.
    const onTheWire = Number(one(request.headers['content-length']) ?? 0) > 0 || !!request.headers['transfer-encoding'];
    if (request.rawBody === undefined && onTheWire) {
      throw new ConfigurationError('the raw body is not available: enable rawBody (see the kit README)');
    }
    if (!contentDigestMatches(digest, request.rawBody ?? '')) refuse('Content-Digest does not match the body');
  }

  private targetUri(request: ReceivedRequest): string {
    const scheme = this.options.scheme ?? (request.encrypted ? 'https' : 'http');
    let target: URL;
    try {
      target = new URL(request.url, `${scheme}://${one(request.headers.host) ?? ''}`);
    } catch {
      return refuse('no usable Host');
    }
    if (target.host !== this.authority) refuse('signed for another authority');
    return target.href;
  }

  private async ask(form: Record<string, string>): Promise<VerifiedSignature> {
    const url = await this.discovery.endpoint('signatures/verify');
    const { clientId, clientSecret } = this.credentials;
    const res = await callIssuer({
      url,
      init: {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(clientId, clientSecret),
        },
        body: new URLSearchParams(form).toString(),
      },
      fetch: this.fetchImpl,
      retry: this.retry,
    });
    const body = await readJson(res);
    // A 401/403 is our own misconfiguration (credentials, missing signatures:verify), not the caller's.
    if (!res.ok || !body || typeof body.valid !== 'boolean') {
      throw new ConfigurationError(`signature verification answered ${res.status}: check signatures:verify`);
    }
    if (body.valid !== true || typeof body.client_id !== 'string') return refuse('refused by the auth service');
    return {
      clientId: body.client_id,
      keyid: String(body.keyid),
      scope: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
      created: Number(body.created),
      expires: Number(body.expires),
    };
  }
}

/** The covered components of the one signature, serialised as the library takes them. */
function coveredComponents(input: string): string[] {
  let members: ReturnType<typeof parseDictionary>;
  try {
    members = parseDictionary(input);
  } catch {
    return refuse('malformed Signature-Input');
  }
  if (members.size !== 1) refuse('exactly one signature is accepted');
  const [member] = [...members.values()];
  if (!isInnerList(member)) return refuse('malformed Signature-Input');
  return member[0].map((item) => serializeItem(item));
}

function stringHeaders(headers: ReceivedRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = one(value) ?? '';
  }
  return out;
}
