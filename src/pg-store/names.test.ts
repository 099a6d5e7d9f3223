/** Schema names and advisory-lock keys: what is accepted, and the key the server computes too. */
import { describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import { pgliteSqlClient, sharedPglite } from '../../test/support/pglite-client.ts';
import { advisoryKey, MIGRATION_LOCK_KEY, quoteSchema, runLockKey } from './names.ts';

function refusal(name: string): string {
  try {
    quoteSchema(name);
  } catch (error) {
    expect(isExtractorError(error) && error.code).toBe('config_invalid');
    return (error as Error).message;
  }
  throw new Error(`expected ${name} to be refused`);
}

describe('quoteSchema', () => {
  it('quotes lowercase letters, digits and underscores up to 63 characters', () => {
    expect(quoteSchema('acme_prod')).toBe('"acme_prod"');
    expect(quoteSchema('2026')).toBe('"2026"');
    expect(quoteSchema('a'.repeat(63))).toBe(`"${'a'.repeat(63)}"`);
  });

  it('refuses anything else with a message that says what would work', () => {
    expect(refusal('Acme')).toBe(
      'The PostgreSQL schema name "Acme" is not usable: use only lowercase letters, digits and underscores ' +
        '(for example acme_prod). Set PMP_DB_SCHEMA, or a PMP_ACCOUNT that fits.',
    );
    expect(refusal('acme-prod')).toMatch(/only lowercase letters/);
    expect(refusal('x"; DROP SCHEMA public; --')).toMatch(/only lowercase letters/);
    expect(refusal('')).toMatch(/only lowercase letters/);
    expect(refusal('a'.repeat(64))).toMatch(/at most 63 characters/);
    expect(refusal('pg_acme')).toMatch(/reserved by PostgreSQL/);
    expect(refusal('pmp_extractor_shared')).toMatch(/that schema is reserved/);
    expect(refusal('information_schema')).toMatch(/that schema is reserved/);
  });
});

describe('advisory-lock keys', () => {
  it('are stable signed 64-bit values, one per schema', () => {
    // Changing these would let an old and a new binary run the same account at once.
    expect(runLockKey('acme')).toBe(advisoryKey('pmp-extractor:run:acme'));
    expect(runLockKey('acme')).not.toBe(runLockKey('acme2'));
    expect(MIGRATION_LOCK_KEY).toBe(advisoryKey('pmp-extractor:migrate'));
    for (const key of [runLockKey('acme'), MIGRATION_LOCK_KEY]) {
      expect(BigInt(key) >= -(2n ** 63n) && BigInt(key) < 2n ** 63n).toBe(true);
    }
  });

  it('equal what the documented SQL computes on the server', { timeout: 120_000 }, async () => {
    const db = pgliteSqlClient(await sharedPglite());
    for (const text of ['pmp-extractor:run:acme', 'pmp-extractor:run:zoë_ünïcode', 'pmp-extractor:migrate']) {
      const { rows } = await db.query(
        "SELECT (('x' || left(encode(sha256(convert_to($1, 'UTF8')), 'hex'), 16))::bit(64)::bigint)::text AS key",
        [text],
      );
      expect(rows[0]?.['key']).toBe(advisoryKey(text));
    }
  });
});
