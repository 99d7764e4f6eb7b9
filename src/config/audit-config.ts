import { ConfigError, EnvReader } from './env-reader';

/** The tamper-evident audit log (API.md "Integrity, retention and export"). */
export interface AuditConfig {
  /** Off only to measure what sealing costs (bench): rows then stay unsealed. */
  sealing: boolean;
  /** 32-byte Ed25519 seed for checkpoints; unset: derived from KEY_ENCRYPTION_KEY by HKDF. */
  signingKey?: Buffer;
  checkpointSeconds: number;
  /** Days (decimals allowed) a sealed row is kept. */
  retentionDays: number;
  retentionIntervalSeconds: number;
  /** How often each instance re-verifies the newest rows for auth_audit_chain_ok. */
  verifyIntervalSeconds: number;
}

function positiveNumber(r: EnvReader, name: string, fallback: number, max: number): number {
  const value = r.raw(name);
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new ConfigError(name, `must be a positive number, got "${value}"`);
  const parsed = Number(value);
  if (parsed <= 0 || parsed > max) throw new ConfigError(name, `must be above 0 and at most ${max}, got ${parsed}`);
  return parsed;
}

export function loadAuditConfig(r: EnvReader): AuditConfig {
  return {
    sealing: r.oneOf('AUDIT_SEALING', ['on', 'off'], 'on') === 'on',
    signingKey: r.base64Key('AUDIT_SIGNING_KEY', 32),
    checkpointSeconds: r.int('AUDIT_CHECKPOINT_SECONDS', 60, 1, 86_400),
    retentionDays: positiveNumber(r, 'AUDIT_RETENTION_DAYS', 365, 36_500),
    retentionIntervalSeconds: r.int('AUDIT_RETENTION_INTERVAL_SECONDS', 3_600, 1, 7 * 86_400),
    verifyIntervalSeconds: r.int('AUDIT_VERIFY_INTERVAL_SECONDS', 60, 1, 86_400),
  };
}
