import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';
import { CONTROL_CHARS } from '../text/control-chars';

export const NO_CONTROL_CHARS = 'noControlChars';

/** True for a string free of C0/C1 control characters, DEL and NUL. */
export function hasNoControlChars(value: unknown): boolean {
  return typeof value === 'string' && !CONTROL_CHARS.test(value);
}

/**
 * Refuses control characters (C0, DEL, C1, NUL) in a free-text field. Why:
 * a NUL makes PostgreSQL throw (text cannot hold it), and newlines or
 * escape sequences in names forge log lines and confuse admin UIs.
 * Non-strings fail too, so pair it with `@IsString()` for a clear message;
 * with `{ each: true }` it checks every element of an array.
 */
export function NoControlChars(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: NO_CONTROL_CHARS,
      validator: {
        validate: (value: unknown): boolean => hasNoControlChars(value),
        defaultMessage: buildMessage((prefix) => `${prefix}$property must not contain control characters`, options),
      },
    },
    options,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For ids in paths: a malformed id names no object, so callers answer 404
 * (never let it reach a `::uuid` cast, which would be a data error).
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
