import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { isStartUpDetail } from './nest-log-levels';

/**
 * Paths pino masks wherever they appear in a logged object. Secrets are never
 * logged on purpose; this is the net under that rule.
 */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  'current_password',
  'new_password',
  '*.new_password',
  'client_secret',
  '*.client_secret',
  'x-api-key',
  '*["x-api-key"]',
  'headers["x-api-key"]',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'id_token',
  'otp',
  '*.otp',
  'key',
  '*.key',
  'secret',
  '*.secret',
];

export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'auth-service' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** Nest's LoggerService over pino, so framework messages share the redacting logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (isStartUpDetail(context)) return this.logger.debug({ context }, String(message));
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
