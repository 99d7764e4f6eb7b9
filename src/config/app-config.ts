import { availableParallelism } from 'node:os';
import { AuditConfig, loadAuditConfig } from './audit-config';
import { ClientCertificateConfig, readClientCertificateConfig, readTlsConfig, TlsConfig } from './tls-config';
import { ConfigError, EnvReader } from './env-reader';

export type SigningAlgorithm = 'RS256' | 'ES256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256'];

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
  /** Seconds a rotated-in key is published in JWKS before it signs (two-step rotation). */
  signingKeyActivationSeconds: number;
  /** Worker threads that sign access tokens, so signing leaves the event loop. */
  signingWorkers: number;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshTokenIdleTtl: number;
  refreshReuseGraceSeconds: number;
  tokenPurgeIntervalSeconds: number;
  bcryptCost: number;
  /** bcrypt hashes running at once: the CPU budget for password hashing. */
  bcryptConcurrency: number;
  /** Longest a login may wait for a hashing slot before it gets 503 (fair share per client IP). */
  loginQueueMaxWaitMs: number;
  lockoutMaxAttempts: number;
  lockoutSeconds: number;
  passwordMinLength: number;
  passwordMaxLength: number;
  bodyLimitBytes: number;
  /** Headers and body must have arrived within this (408 and close otherwise): slow-body attacks. */
  requestTimeoutSeconds: number;
  keepAliveTimeoutSeconds: number;
  /** Open connections one client IP may hold (the socket address, also behind a proxy). */
  maxConnectionsPerIp: number;
  bootstrapAdminUsername?: string;
  bootstrapAdminPassword?: string;
  bootstrapClientId: string;
  adminMfaRequired: boolean;
  revocationStalenessSeconds: number;
  /** How far `created` of a signed request may be from now (API.md "Signed requests"). */
  signatureMaxSkewSeconds: number;
  /** Seconds between comment lines on each revocation stream (keeps proxies from closing idle streams). */
  revocationFeedHeartbeatSeconds: number;
  redisUrl?: string;
  rateLimits: RateLimitConfig;
  corsOrigins: string[];
  logLevel: string;
  trustProxy: boolean;
  audit: AuditConfig;
  /** HTTPS only when set (TLS_CERT_FILE, TLS_KEY_FILE, ...). */
  tls?: TlsConfig;
  /** RFC 8705: the client CAs, and a certificate header forwarded by TRUSTED_PROXIES. */
  clientCertificates: ClientCertificateConfig;
}

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const r = new EnvReader(env);
  const nodeEnv = r.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const port = r.int('PORT', 3000, 0, 65535);
  const explicitIssuer = r.url('ISSUER', ['http:', 'https:']);
  // Port 0 binds a random port that the default issuer (and so discovery and `iss`) cannot know.
  if (port === 0 && !explicitIssuer) throw new ConfigError('PORT', 'must not be 0 unless ISSUER is set');
  const tls = readTlsConfig(r);
  const issuer = explicitIssuer ?? `${tls ? 'https' : 'http'}://localhost:${port}`;
  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const keyEncryptionKey = r.base64Key('KEY_ENCRYPTION_KEY', 32);
  if (production && !keyEncryptionKey) {
    throw new ConfigError('KEY_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
  }
  if (production && !databaseUrl) {
    throw new ConfigError(
      'DATABASE_URL',
      'is required when NODE_ENV=production (the embedded database is for development)',
    );
  }
  const adminUser = r.raw('BOOTSTRAP_ADMIN_USERNAME');
  const adminPassword = r.raw('BOOTSTRAP_ADMIN_PASSWORD');
  if ((adminUser === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError(
      adminUser ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_USERNAME',
      'must be set together with its pair',
    );
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
    signingKeyActivationSeconds: r.int('SIGNING_KEY_ACTIVATION_SECONDS', 600, 0, 86_400),
    signingWorkers: r.int('SIGNING_WORKERS', Math.min(4, availableParallelism()), 1, 64),
    accessTokenTtl: r.int('ACCESS_TOKEN_TTL', 900, 30, 86_400),
    refreshTokenTtl: r.int('REFRESH_TOKEN_TTL', 30 * 86_400, 60, 365 * 86_400),
    refreshTokenIdleTtl: r.int('REFRESH_TOKEN_IDLE_TTL', 14 * 86_400, 60, 365 * 86_400),
    refreshReuseGraceSeconds: r.int('REFRESH_REUSE_GRACE_SECONDS', 0, 0, 60),
    tokenPurgeIntervalSeconds: r.int('TOKEN_PURGE_INTERVAL_SECONDS', 3_600, 1, 7 * 86_400),
    bcryptCost: r.int('BCRYPT_COST', 12, 10, 15),
    // Default: every core but one, so a login storm leaves a core to the event loop (introspection).
    bcryptConcurrency: r.int('BCRYPT_CONCURRENCY', Math.max(1, availableParallelism() - 1), 1, 256),
    loginQueueMaxWaitMs: r.int('LOGIN_QUEUE_MAX_WAIT_MS', 2000, 100, 60_000),
    lockoutMaxAttempts: r.int('LOCKOUT_MAX_ATTEMPTS', 5, 1, 100),
    lockoutSeconds: r.int('LOCKOUT_SECONDS', 300, 1, 86_400),
    passwordMinLength: r.int('PASSWORD_MIN_LENGTH', 12, 8, 128),
    passwordMaxLength: 128,
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 10_240, 1_024, 1_048_576),
    requestTimeoutSeconds: r.int('REQUEST_TIMEOUT_SECONDS', 10, 1, 600),
    keepAliveTimeoutSeconds: r.int('KEEP_ALIVE_TIMEOUT_SECONDS', 5, 1, 600),
    maxConnectionsPerIp: r.int('MAX_CONNECTIONS_PER_IP', 256, 1, 1_000_000),
    bootstrapAdminUsername: adminUser,
    bootstrapAdminPassword: adminPassword,
    bootstrapClientId: r.string('BOOTSTRAP_CLIENT_ID', 'cli'),
    adminMfaRequired: r.bool('ADMIN_MFA_REQUIRED', true),
    revocationStalenessSeconds: r.int('REVOCATION_STALENESS_SECONDS', 5, 1, 3_600),
    signatureMaxSkewSeconds: r.int('SIGNATURE_MAX_SKEW_SECONDS', 300, 1, 3_600),
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
    audit: loadAuditConfig(r),
    tls,
    clientCertificates: readClientCertificateConfig(r),
  });
  if (config.passwordMinLength > config.passwordMaxLength) {
    throw new ConfigError('PASSWORD_MIN_LENGTH', `must not exceed ${config.passwordMaxLength}`);
  }
  return config;
}
