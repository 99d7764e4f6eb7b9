import { fail, parseSignature, parseSignatureInput } from './signature-fields';

export { ProfileViolation } from './signature-fields';

/** The contract's profile of RFC 9421 (API.md "Signed requests"). */
export const PROFILE_ALG = 'hmac-sha256';
export const PROFILE_TAG = 'auth-service';
/** `expires` may be at most this far after `created`: the replay window. */
export const MAX_VALIDITY_SECONDS = 300;
const MIN_NONCE_BITS = 128;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const PARAMS_LINE = '"@signature-params": ';

/** What a well-formed signature of the profile says about itself. */
export interface SignatureClaims {
  label: string;
  keyid: string;
  nonce: string;
  created: number;
  expires: number;
  components: string[];
  /** The exact bytes the MAC is computed over. */
  base: string;
  /** The decoded `Signature` value (the MAC). */
  mac: Buffer;
}

/**
 * Bits of randomness a nonce can carry, judged by its alphabet: hex digits
 * carry 4 bits a character, base64url 6. Anything else is refused, so a
 * nonce cannot pass by length alone.
 */
export function nonceBits(nonce: string): number {
  if (/^[0-9a-fA-F]+$/.test(nonce)) return nonce.length * 4;
  if (/^[A-Za-z0-9_-]+$/.test(nonce)) return nonce.length * 6;
  return 0;
}

function integerParam(params: ReadonlyMap<string, unknown>, name: string): number {
  const value = params.get(name);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${name} missing or not an integer`);
  return value;
}

function stringParam(params: ReadonlyMap<string, unknown>, name: string): string {
  const value = params.get(name);
  if (typeof value !== 'string' || value.length === 0) fail(`${name} missing or not a string`);
  return value;
}

/**
 * Checks that the base was built for exactly this signature: one line per
 * covered component, in order, then the `@signature-params` line equal to
 * the member of Signature-Input (RFC 9421 §2.5). Returns the `@method` value.
 */
function checkBase(base: string, components: string[], member: string): string {
  const lines = base.split('\n');
  if (lines.length !== components.length + 1) fail('signature base does not name the covered components');
  if (lines[lines.length - 1] !== PARAMS_LINE + member)
    fail('signature base does not end with the signature parameters');
  let method = '';
  components.forEach((name, i) => {
    const prefix = `${name}: `;
    if (!lines[i].startsWith(prefix)) fail('signature base lines do not match the covered components');
    if (name === '"@method"') method = lines[i].slice(prefix.length);
  });
  return method;
}

/**
 * Parses and checks a signature against the profile: one signature, the
 * same label in both fields, the required components covered, every
 * parameter present and well formed, `alg` and `tag` as fixed, a nonce of
 * at least 128 bits and a validity of at most 300 s. Times against the
 * clock, the key and the MAC are checked by the caller.
 */
export function readSignature(signatureInput: string, signature: string, base: string): SignatureClaims {
  const { label, components, params, serialized } = parseSignatureInput(signatureInput);
  const { label: macLabel, mac } = parseSignature(signature);
  if (macLabel !== label) fail('Signature and Signature-Input labels differ');
  if (params.get('alg') !== PROFILE_ALG) fail('alg is not hmac-sha256');
  if (params.get('tag') !== PROFILE_TAG) fail('tag is not auth-service');
  const created = integerParam(params, 'created');
  const expires = integerParam(params, 'expires');
  if (expires <= created || expires - created > MAX_VALIDITY_SECONDS) fail('expires is not within 300 s after created');
  const nonce = stringParam(params, 'nonce');
  if (nonceBits(nonce) < MIN_NONCE_BITS) fail('nonce under 128 bits');
  const keyid = stringParam(params, 'keyid');
  if (new Set(components).size !== components.length) fail('a component is covered twice');
  const method = checkBase(base, components, serialized);
  for (const required of ['"@method"', '"@target-uri"']) {
    if (!components.includes(required)) fail(`${required} not covered`);
  }
  if (BODY_METHODS.has(method.toUpperCase()) && !components.includes('"content-digest"'))
    fail('content-digest not covered');
  return { label, keyid, nonce, created, expires, components, base, mac };
}
