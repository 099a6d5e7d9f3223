/**
 * Values between JavaScript and Postgres. Times travel as epoch milliseconds (int8) and are turned
 * into timestamptz by the server, exactly (integer microseconds), so no driver date parsing is
 * involved. Counts and ids come back as int8: a string from pg, a number or bigint from PGlite.
 */
import { ExtractorError } from '../platform/index.ts';

/** SQL for "parameter $n, epoch ms, as timestamptz". */
export function tsParam(n: number): string {
  return `(TIMESTAMPTZ 'epoch' + ($${n}::bigint) * INTERVAL '1 millisecond')`;
}

/** SQL for "this timestamptz as epoch ms" (int8; NULL stays NULL). */
export function msOf(expression: string): string {
  return `(EXTRACT(EPOCH FROM ${expression}) * 1000)::bigint`;
}

/** An int8/int4 value as a JS number; throws on anything that is not a safe integer. */
export function toInt(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (
    (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') &&
    Number.isSafeInteger(number)
  ) {
    return number;
  }
  throw new ExtractorError('database_error', `Unexpected integer value from PostgreSQL: ${String(value)}`);
}

export function toIntOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

/** A float8 column (coverage); pg returns float8 as a number already. */
export function toFloat(value: unknown): number {
  const number = Number(value);
  if (value === null || Number.isNaN(number)) {
    throw new ExtractorError('database_error', `Unexpected number from PostgreSQL: ${String(value)}`);
  }
  return number;
}

export function toFloatOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toFloat(value);
}

export function toText(value: unknown): string {
  if (typeof value !== 'string') {
    throw new ExtractorError('database_error', `Unexpected text value from PostgreSQL: ${String(value)}`);
  }
  return value;
}

export function toTextOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toText(value);
}
