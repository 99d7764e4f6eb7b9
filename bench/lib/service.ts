import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '../../src/database/data-source-options';
import { PATHS } from './paths';
import { Child, freePort, startNode, waitForHttp } from './processes';
import { BenchPki, httpsStatus } from './tls';

/** What every service process of one run shares: database, key-encryption key, issuer. */
export interface ServiceSettings {
  databaseUrl: string;
  keyEncryptionKey: string;
  /** Fixed for the run, so instance B accepts tokens minted by instance A. */
  issuer: string;
  /** Extra node flags for every service process (--profile adds --cpu-prof). */
  nodeArgs?: string[];
}

/**
 * The production build in production mode. Limits are raised far beyond the
 * load (the rate limiter is not what is measured); bcrypt cost 10 keeps setup
 * logins fast (the password-grant load uses users hashed at cost 12).
 * A clean environment: nothing from the caller's shell leaks in.
 */
export function serviceEnv(s: ServiceSettings, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: s.databaseUrl,
    KEY_ENCRYPTION_KEY: s.keyEncryptionKey,
    ISSUER: s.issuer,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    BCRYPT_COST: '10',
    RATE_LIMIT_TOKEN_PER_IP: '10000000',
    RATE_LIMIT_TOKEN_PER_USERNAME: '10000000',
    RATE_LIMIT_ADMIN_PER_PRINCIPAL: '10000000',
    RATE_LIMIT_INTROSPECT_PER_CALLER: '100000000',
    // Every load comes from 127.0.0.1: the per-IP connection cap (256) would cut the 500-stream feed part.
    MAX_CONNECTIONS_PER_IP: '4096',
  };
}

/**
 * The service's own migrations and advisory-lock runner, as at service start.
 * Two connections: the lock holds one (as src/database/cli.ts does).
 */
export async function migrate(s: ServiceSettings): Promise<string[]> {
  const dataSource = await new DataSource(dataSourceOptions(s.databaseUrl, 2)).initialize();
  try {
    return await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** What sets an instance apart from instance A: HTTPS, or extra settings such as REDIS_URL. */
export interface InstanceVariant {
  /** HTTPS only, with these files (TLS_CERT_FILE, TLS_KEY_FILE); probes and loads trust `caFile`. */
  tls?: BenchPki;
  env?: Record<string, string>;
}

export class ServiceInstance {
  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly child: Child,
    /** The CA that signed the instance's certificate, when it speaks HTTPS. */
    readonly caFile?: string,
  ) {}

  static async start(
    name: string,
    s: ServiceSettings,
    port?: number,
    variant: InstanceVariant = {},
  ): Promise<ServiceInstance> {
    const p = port ?? (await freePort());
    const { tls } = variant;
    const env = {
      ...serviceEnv(s, p),
      ...(tls ? { TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile } : {}),
      ...variant.env,
    };
    const child = startNode(name, PATHS.serviceMain, [], env, s.nodeArgs);
    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${p}`;
    try {
      await waitForHttp(`${url}/health/ready`, child, tls && ((u) => httpsStatus(u, tls.caFile)));
    } catch (err) {
      await child.stop();
      throw err;
    }
    return new ServiceInstance(url, p, child, tls?.caFile);
  }

  get pid(): number | undefined {
    return this.child.proc.pid;
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

/** True when the route exists: an unknown route is 404, a known one answers 400/401/415 to an empty POST. */
export async function routeExists(url: string, contentType = 'application/x-www-form-urlencoded'): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: contentType.includes('json') ? '{}' : '',
  });
  await res.arrayBuffer();
  return res.status !== 404;
}
