import { InnerList, isInnerList, parseDictionary, serializeInnerList, serializeItem } from 'structured-headers';

/** Why a signature is refused before any key is looked up (written to the audit row, never shown). */
export class ProfileViolation extends Error {}

export function fail(reason: string): never {
  throw new ProfileViolation(reason);
}

/** The one member of a Signature-Input field (RFC 9421 §4.1). */
export interface InputMember {
  label: string;
  /** Covered components as the base names them: serialised identifiers, parameters included (§2.1). */
  components: string[];
  params: ReadonlyMap<string, unknown>;
  /** The member serialised (RFC 8941): what the base's `@signature-params` line must carry. */
  serialized: string;
}

/** The one member of a Signature field. */
export interface SignatureMember {
  label: string;
  mac: Buffer;
}

/*
 * The fast lane. A signer of the profile (the kit, http-message-signatures)
 * writes both fields in one canonical shape: no whitespace, string
 * components without parameters, integer and string parameters. For text
 * of exactly that shape, parsing then serialising gives the text back, so
 * it is read with one regular expression instead of the generic RFC 8941
 * parser (~25 us a request, most of the endpoint's own work). Anything
 * else, valid or not, takes the generic parser: the answer is the same
 * either way (signature-fields.spec.ts checks the two against each other).
 */
const KEY = '[a-z*][a-z0-9_.*-]*';
/** An sf-string without escapes: printable ASCII but `"` and `\`. */
const STRING = '"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*"';
/** An sf-integer as serialised: no sign, no leading zero, at most 15 digits. */
const INTEGER = '(?:0|[1-9][0-9]{0,14})';
const FAST_INPUT = new RegExp(`^(${KEY})=\\((${STRING}(?: ${STRING})*)\\)((?:;${KEY}=(?:${INTEGER}|${STRING}))*)$`);
const FAST_PARAM = new RegExp(`;(${KEY})=(?:(${INTEGER})|"([^"]*)")`, 'g');
const FAST_COMPONENT = new RegExp(STRING, 'g');
/** Canonical base64 (RFC 8941 §3.3.5 serialises with padding). */
const FAST_SIGNATURE = new RegExp(`^(${KEY})=:((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?):$`);

/** The fast lane: the member of canonical, profile-shaped text, else undefined. */
export function fastSignatureInput(header: string): InputMember | undefined {
  const match = FAST_INPUT.exec(header);
  if (!match) return undefined;
  const [, label, components, paramText] = match;
  const params = new Map<string, unknown>();
  for (const [, key, integer, text] of paramText.matchAll(FAST_PARAM)) {
    // A repeated key is legal (the last one wins) but not canonical: the generic parser decides.
    if (params.has(key)) return undefined;
    params.set(key, integer !== undefined ? Number(integer) : text);
  }
  return {
    label,
    components: components.match(FAST_COMPONENT) ?? [],
    params,
    serialized: header.slice(label.length + 1),
  };
}

function parseOneMember(header: string, what: string): [string, unknown] {
  let dictionary;
  try {
    dictionary = parseDictionary(header);
  } catch {
    fail(`${what} is not a structured dictionary`);
  }
  if (dictionary.size !== 1) fail(`${what} must carry exactly one signature`);
  return [...dictionary.entries()][0] as [string, unknown];
}

/** Components as the base names them: the serialised identifier, parameters included (RFC 9421 §2.1). */
function componentNames(list: InnerList): string[] {
  return list[0].map(([name, params]) => {
    if (typeof name !== 'string') fail('a component identifier is not a string');
    return serializeItem(name, params);
  });
}

/** Signature-Input with exactly one member, an inner list (ProfileViolation otherwise). */
export function parseSignatureInput(header: string): InputMember {
  return fastSignatureInput(header) ?? genericSignatureInput(header);
}

/** The generic RFC 8941 parser's reading: any valid text, and the reference the fast lane is tested against. */
export function genericSignatureInput(header: string): InputMember {
  const [label, inner] = parseOneMember(header, 'Signature-Input');
  if (!isInnerList(inner as InnerList)) fail('Signature-Input member is not an inner list');
  const list = inner as InnerList;
  return {
    label,
    components: componentNames(list),
    params: list[1] as Map<string, unknown>,
    serialized: serializeInnerList(list),
  };
}

/** Signature with exactly one member, a byte sequence (ProfileViolation otherwise). */
export function parseSignature(header: string): SignatureMember {
  return fastSignature(header) ?? genericSignature(header);
}

export function fastSignature(header: string): SignatureMember | undefined {
  const match = FAST_SIGNATURE.exec(header);
  return match ? { label: match[1], mac: Buffer.from(match[2], 'base64') } : undefined;
}

export function genericSignature(header: string): SignatureMember {
  const [label, item] = parseOneMember(header, 'Signature');
  const value = Array.isArray(item) ? item[0] : undefined;
  if (!(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value)) fail('Signature is not a byte sequence');
  const view = value instanceof ArrayBuffer ? new Uint8Array(value) : (value as ArrayBufferView);
  return { label, mac: Buffer.from(view.buffer, view.byteOffset, view.byteLength) };
}
