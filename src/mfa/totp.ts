import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

/**
 * RFC 6238 TOTP as the contract fixes it (SHA-1, 6 digits, 30 s, one step
 * of drift), through otplib: codes are compared in constant time, and the
 * matched time step is returned so replay protection can consume it.
 */
export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;
const SECRET_BYTES = 20;

/** A new 160-bit TOTP secret, base32 (RFC 4226 recommends at least 128 bits). */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

export function currentStep(nowMs = Date.now()): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/** The code of one time step (enrolment confirmation, tests). */
export function totpAt(secret: string, step: number): string {
  return generateSync({
    secret,
    epoch: step * TOTP_STEP_SECONDS,
    period: TOTP_STEP_SECONDS,
    digits: DIGITS,
    algorithm: 'sha1',
  });
}

/** The step the code matches within one step of drift, or null (malformed codes included). */
export function matchTotp(secret: string, code: string, nowMs = Date.now()): number | null {
  try {
    const result = verifySync({
      secret,
      token: code,
      epoch: Math.floor(nowMs / 1000),
      epochTolerance: TOTP_STEP_SECONDS,
      period: TOTP_STEP_SECONDS,
      digits: DIGITS,
      algorithm: 'sha1',
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

export function otpauthUri(secret: string, account: string, issuer: string): string {
  return generateURI({ issuer, label: account, secret, algorithm: 'sha1', digits: DIGITS, period: TOTP_STEP_SECONDS });
}
