import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ProblemError } from '../errors/problem-error';

/** `limit` (1..200, default 50) and an opaque `cursor`, for every collection GET. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export function pageLimit(query: PageQueryDto): number {
  return query.limit ?? 50;
}

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The decoded position, or a 400 problem for a cursor we did not make. */
export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  keys: (keyof T)[],
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
    if (
      typeof value === 'object' &&
      value !== null &&
      keys.every((k) => ['string', 'number'].includes(typeof value[k]))
    )
      return value;
  } catch {
    // fall through
  }
  throw ProblemError.validation([{ field: 'cursor', message: 'is not a valid cursor' }]);
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells that
 * another page exists; the cursor points after the last returned row.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  position: (row: R) => Record<string, string | number>,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), next_cursor: rows.length > limit && last ? encodeCursor(position(last)) : null };
}
