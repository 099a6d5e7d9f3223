/**
 * Schema names and advisory-lock keys (D96, D100). An account's tables live in one Postgres schema;
 * its name is checked here once, then used quoted in every statement, so it can never be SQL.
 */
import { createHash } from 'node:crypto';
import { ExtractorError } from '../platform/index.ts';

/** The schema every account shares: the token budget per Zoho client (D99). */
export const SHARED_SCHEMA = 'pmp_extractor_shared';

/** Postgres truncates identifiers at 63 bytes (NAMEDATALEN - 1). */
const MAX_SCHEMA_CHARS = 63;
const RESERVED = new Set([SHARED_SCHEMA, 'information_schema']);

/** A validated schema name, as a quoted identifier ready for SQL (`"acme"`). */
export type QuotedSchema = string & { readonly quotedSchema: unique symbol };

/**
 * Returns `"name"` when `name` is usable as an account schema: lowercase ASCII letters, digits and
 * underscores, at most 63 characters, not `pg_…` (reserved by Postgres) nor one of ours. Otherwise a
 * config_invalid error that says what would work.
 */
export function quoteSchema(name: string): QuotedSchema {
  const problem = !/^[a-z0-9_]+$/.test(name)
    ? 'use only lowercase letters, digits and underscores'
    : name.length > MAX_SCHEMA_CHARS
      ? `use at most ${MAX_SCHEMA_CHARS} characters`
      : name.startsWith('pg_')
        ? 'names starting with pg_ are reserved by PostgreSQL'
        : RESERVED.has(name)
          ? 'that schema is reserved'
          : null;
  if (problem !== null) {
    throw new ExtractorError(
      'config_invalid',
      `The PostgreSQL schema name ${JSON.stringify(name.slice(0, 80))} is not usable: ${problem} ` +
        '(for example acme_prod). Set PMP_DB_SCHEMA, or a PMP_ACCOUNT that fits.',
    );
  }
  return `"${name}"` as QuotedSchema;
}

/**
 * A signed 64-bit advisory-lock key: the first 8 bytes of SHA-256(`text`), big-endian, as decimal
 * text (pg sends it as int8 without loss). The server computes the same value with
 * `('x' || left(encode(sha256(convert_to(text, 'UTF8')), 'hex'), 16))::bit(64)::bigint`.
 */
export function advisoryKey(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest().readBigInt64BE(0).toString();
}

/** The run lock of one account schema (session-level, held for the run). */
export function runLockKey(schema: string): string {
  return advisoryKey(`pmp-extractor:run:${schema}`);
}

/** One key for every migration in the database: schemas and the shared table are created under it. */
export const MIGRATION_LOCK_KEY = advisoryKey('pmp-extractor:migrate');
