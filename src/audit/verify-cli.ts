import { DataSource } from 'typeorm';
import { createRootLogger } from '../common/logging/logger';
import { ProblemError } from '../common/errors/problem-error';
import { configFromProcessEnv } from '../config/config.module';
import { dataSourceOptions } from '../database/data-source-options';
import { Database } from '../database/database.service';
import { resolveRuntime } from '../database/resolve-runtime';
import { AuditChainRepository } from './audit-chain.repository';
import { AuditVerifier, VerifyRange } from './audit-verifier.service';
import { CheckpointSigner } from './checkpoint-signer';

/** Exit codes of `npm run audit:verify` (API.md). */
const OK = 0;
const BROKEN = 1;
const ERROR = 2;

class UsageError extends Error {}

export function parseArgs(argv: string[]): VerifyRange {
  const range: VerifyRange = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if ((flag !== '--from-seq' && flag !== '--to-seq') || value === undefined || !/^\d{1,15}$/.test(value)) {
      throw new UsageError('usage: npm run audit:verify -- [--from-seq N] [--to-seq N]');
    }
    range[flag === '--from-seq' ? 'from' : 'to'] = Number(value);
  }
  return range;
}

/**
 * `npm run audit:verify`: the same check as GET /v1/audit-events/verify,
 * straight against DATABASE_URL, for an auditor who does not trust the
 * running service. Prints the JSON result; exits 0 (ok), 1 (broken), 2 (error).
 */
async function main(): Promise<number> {
  const range = parseArgs(process.argv.slice(2));
  const config = configFromProcessEnv();
  const runtime = await resolveRuntime(config, createRootLogger('error'));
  const dataSource = await new DataSource(dataSourceOptions(runtime.databaseUrl, 1)).initialize();
  try {
    const db = new Database(dataSource);
    const verifier = new AuditVerifier(new AuditChainRepository(db), new CheckpointSigner(config, runtime));
    const result = await verifier.verify(range);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.ok ? OK : BROKEN;
  } finally {
    await dataSource.destroy();
    await runtime.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      let message = 'audit verification could not run';
      if (err instanceof UsageError) message = err.message;
      else if (err instanceof ProblemError)
        message = (err.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ') || err.message;
      // Only the error's class for anything else: a driver error can quote the connection URL.
      else if (err instanceof Error) message += ` (${err.name})`;
      process.stderr.write(`${message}\n`);
      process.exit(ERROR);
    },
  );
}
