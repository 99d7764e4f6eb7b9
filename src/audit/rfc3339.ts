import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/**
 * An RFC 3339 date-time (section 5.6) as the UTC instant it names, written
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, PostgreSQL's precision), or
 * null when it is not one: wrong shape, impossible calendar date, or a year
 * outside 0001..9999 once moved to UTC. Normalising here means the database
 * only ever parses a string we wrote. A leap second rolls over, as in
 * PostgreSQL.
 */
export function parseRfc3339(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  )
    return null;
  let offsetMinutes = 0;
  if (m[8]) {
    const [oh, om] = [Number(m[9]), Number(m[10])];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (oh * 60 + om) * (m[8] === '-' ? -1 : 1);
  }
  const micros = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, Number(micros.slice(0, 3)));
  const utcYear = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || utcYear < 1 || utcYear > 9999) return null;
  return `${date.toISOString().slice(0, -1)}${micros.slice(3)}Z`;
}

/** Validates an RFC 3339 date-time query or body field. */
export function IsRfc3339DateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339DateTime',
      validator: {
        validate: (value: unknown): boolean => parseRfc3339(value) !== null,
        defaultMessage: buildMessage(
          (prefix) => `${prefix}$property must be an RFC 3339 date-time, for example 2025-01-31T12:00:00Z`,
          options,
        ),
      },
    },
    options,
  );
}
