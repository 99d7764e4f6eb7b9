// jose v6 is ESM only. `module: node16` keeps this `import()` a real dynamic import in the
// CommonJS output, so the kit loads on every Node version without require(esm).
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

export type JoseModule = typeof Jose;
export type JoseKey = Jose.CryptoKey | Uint8Array;
export type JoseJwk = Jose.JWK;
export type JoseHeader = Jose.JWTHeaderParameters;
export type JosePayload = Jose.JWTPayload;

let loading: Promise<JoseModule> | undefined;

export function loadJose(): Promise<JoseModule> {
  loading ??= import('jose');
  return loading;
}
