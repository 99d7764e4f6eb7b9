import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { redactValue } from './log-redaction';
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

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'auth-service' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Errors arrive already redacted (logMethod below): pino's own serializer would copy every field back.
    serializers: { err: (value: unknown) => value },
    hooks: {
      // Every argument of every call, before pino serialises it: one place for log redaction.
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        // pino files an Error given first under `err` with its message as msg; keep that shape.
        const head = first instanceof Error ? { err: redactValue(first) } : redactValue(first);
        if (first instanceof Error && rest.length === 0) rest.push(first.message);
        method.apply(this, [head, ...rest.map((a) => redactValue(a))] as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
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
