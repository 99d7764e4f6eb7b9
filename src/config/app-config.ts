import { availableParallelism } from 'node:os';
import { ConfigError, EnvReader } from './env-reader';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

export interface RateLimitConfig {
  tokenPerIp: number;
  tokenPerUsername: number;
  adminPerPrincipal: number;
  introspectPerCaller: number;
}

/**
 * The typed, validated configuration. Nothing else in the service reads
 * process.env: everything arrives here once, at start.
 */
export class AppConfig {
  nodeEnv: string;
  production: boolean;
  host: string;
  port: number;
  issuer: string;
  accessTokenAudience: string;
  databaseUrl?: string;
  dbPoolSize: number;
  dataDir: string;
  /** 32-byte AES-256-GCM key for private signing keys; resolved at start in embedded mode when unset. */
  keyEncryptionKey?: Buffer;
  signingAlgorithm: SigningAlgorithm;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshTokenIdleTtl: number;
  refreshReuseGraceSeconds: number;
  bcryptCost: number;
  /** bcrypt hashes running at once: the CPU budget for password hashing. */
  bcryptConcurrency: number;
  lockoutMaxAttempts: number;
  lockoutSeconds: number;
  passwordMinLength: number;
  passwordMaxLength: number;
  bodyLimitBytes: number;
  bootstrapAdminUsername?: string;
  bootstrapAdminPassword?: string;
  bootstrapClientId: string;
  adminMfaRequired: boolean;
  revocationStalenessSeconds: number;
  /** Seconds between comment lines on each revocation stream (keeps proxies from closing idle streams). */
  revocationFeedHeartbeatSeconds: number;
  redisUrl?: string;
  rateLimits: RateLimitConfig;
  corsOrigins: string[];
  logLevel: string;
  trustProxy: boolean;
}

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const r = new EnvReader(env);
  const nodeEnv = r.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const port = r.int('PORT', 3000, 0, 65535);
  const issuer = r.url('ISSUER', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const keyEncryptionKey = r.base64Key('KEY_ENCRYPTION_KEY', 32);
  if (production && !keyEncryptionKey) {
    throw new ConfigError('KEY_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
  }
  if (production && !databaseUrl) {
    throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production (the embedded database is for development)');
  }
  const adminUser = r.raw('BOOTSTRAP_ADMIN_USERNAME');
  const adminPassword = r.raw('BOOTSTRAP_ADMIN_PASSWORD');
  if ((adminUser === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError(adminUser ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_USERNAME', 'must be set together with its pair');
  }
  const config = new AppConfig();
  Object.assign(config, {
    nodeEnv,
    production,
    host: r.string('HOST', '0.0.0.0'),
    port,
    issuer: issuer.replace(/\/+$/, ''),
    accessTokenAudience: r.string('ACCESS_TOKEN_AUDIENCE', issuer.replace(/\/+$/, '')),
    databaseUrl,
    dbPoolSize: r.int('DB_POOL_SIZE', 10, 1, 200),
    dataDir: r.string('DATA_DIR', './data'),
    keyEncryptionKey,
    signingAlgorithm: r.oneOf('SIGNING_ALGORITHM', SIGNING_ALGORITHMS, 'RS256'),
    accessTokenTtl: r.int('ACCESS_TOKEN_TTL', 900, 30, 86_400),
    refreshTokenTtl: r.int('REFRESH_TOKEN_TTL', 30 * 86_400, 60, 365 * 86_400),
    refreshTokenIdleTtl: r.int('REFRESH_TOKEN_IDLE_TTL', 14 * 86_400, 60, 365 * 86_400),
    refreshReuseGraceSeconds: r.int('REFRESH_REUSE_GRACE_SECONDS', 0, 0, 60),
    bcryptCost: r.int('BCRYPT_COST', 12, 10, 15),
    // Default: every core but one, so a login storm leaves a core to the event loop (introspection).
    bcryptConcurrency: r.int('BCRYPT_CONCURRENCY', Math.max(1, availableParallelism() - 1), 1, 256),
    lockoutMaxAttempts: r.int('LOCKOUT_MAX_ATTEMPTS', 5, 1, 100),
    lockoutSeconds: r.int('LOCKOUT_SECONDS', 300, 1, 86_400),
    passwordMinLength: r.int('PASSWORD_MIN_LENGTH', 12, 8, 128),
    passwordMaxLength: 128,
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 10_240, 1_024, 1_048_576),
    bootstrapAdminUsername: adminUser,
    bootstrapAdminPassword: adminPassword,
    bootstrapClientId: r.string('BOOTSTRAP_CLIENT_ID', 'cli'),
    adminMfaRequired: r.bool('ADMIN_MFA_REQUIRED', true),
    revocationStalenessSeconds: r.int('REVOCATION_STALENESS_SECONDS', 5, 1, 3_600),
    revocationFeedHeartbeatSeconds: r.int('REVOCATION_FEED_HEARTBEAT_SECONDS', 10, 1, 15),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    rateLimits: {
      tokenPerIp: r.int('RATE_LIMIT_TOKEN_PER_IP', 100, 1, 10_000_000),
      tokenPerUsername: r.int('RATE_LIMIT_TOKEN_PER_USERNAME', 10, 1, 10_000_000),
      adminPerPrincipal: r.int('RATE_LIMIT_ADMIN_PER_PRINCIPAL', 100, 1, 10_000_000),
      introspectPerCaller: r.int('RATE_LIMIT_INTROSPECT_PER_CALLER', 6_000, 1, 100_000_000),
    },
    corsOrigins: r.list('CORS_ORIGINS'),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    trustProxy: r.bool('TRUST_PROXY', false),
  });
  if (config.passwordMinLength > config.passwordMaxLength) {
    throw new ConfigError('PASSWORD_MIN_LENGTH', `must not exceed ${config.passwordMaxLength}`);
  }
  return config;
}
