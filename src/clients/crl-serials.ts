/**
 * The serial numbers a CRL (RFC 5280 §5.1) lists, read from its DER with a
 * reader of exactly the structure the RFC fixes; node:crypto has no CRL
 * parser and none may be spawned at runtime. The file is operator
 * configuration, trusted as TLS_CLIENT_CA_FILE is. Anything that is not a
 * well-formed CRL throws, so a broken file never reads as "nothing revoked".
 */

interface Tlv {
  tag: number;
  /** Offset of the contents and one past their end. */
  start: number;
  end: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

function readTlv(der: Buffer, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new Error('truncated CRL');
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error('bad CRL length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i];
    start += bytes;
  }
  const end = start + length;
  if (end > limit) throw new Error('truncated CRL');
  return { tag, start, end };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readTlv(der, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** A serial as X509Certificate.serialNumber spells it: upper-case hex without leading zeros. */
export function normaliseSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

function serialsOfDer(der: Buffer): string[] {
  const list = readTlv(der, 0, der.length);
  const [tbs] = children(der, list);
  if (list.tag !== SEQUENCE || tbs?.tag !== SEQUENCE) throw new Error('not a CRL');
  const fields = children(der, tbs);
  let i = fields[0]?.tag === INTEGER ? 1 : 0; // version
  i += 2; // signature algorithm, issuer
  if (fields[i]?.tag !== UTC_TIME && fields[i]?.tag !== GENERALIZED_TIME) throw new Error('CRL without thisUpdate');
  i += 1;
  if (fields[i]?.tag === UTC_TIME || fields[i]?.tag === GENERALIZED_TIME) i += 1; // nextUpdate
  const revoked = fields[i];
  if (revoked?.tag !== SEQUENCE) return [];
  return children(der, revoked).map((entry) => {
    const serial = children(der, entry)[0];
    if (entry.tag !== SEQUENCE || serial?.tag !== INTEGER) throw new Error('bad CRL entry');
    return normaliseSerial(der.subarray(serial.start, serial.end).toString('hex'));
  });
}

const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g;

/** Every serial listed by the CRLs in a PEM bundle or one DER file. */
export function revokedSerials(file: Buffer): Set<string> {
  const text = file.toString('latin1');
  const blocks = [...text.matchAll(PEM_CRL)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  if (blocks.length === 0 && text.includes('-----BEGIN')) throw new Error('no CRL in the PEM file');
  return new Set((blocks.length > 0 ? blocks : [file]).flatMap(serialsOfDer));
}
