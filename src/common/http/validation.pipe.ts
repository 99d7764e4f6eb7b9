import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ProblemError } from '../errors/problem-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    // class-validator prefixes some messages with `property <name> `; the name may contain spaces.
    const prefix = `property ${e.property} `;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** DTO validation: unknown fields refused, failures as problem+json with `errors`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => ProblemError.validation(flatten(errors)),
  });
}
