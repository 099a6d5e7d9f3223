import { describe, expect, it } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import {
  accountFromDbUrl,
  databaseLabel,
  databaseLocation,
  dbUrlSecrets,
  dbUrlWithoutPassword,
  maskedDbUrl,
  schemaFromAccount,
} from './database.ts';
import { loadConfig, readEarlySettings } from './load-config.ts';

const HOME = '/home/op';
const URL_WITH_PASSWORD = 'postgres://pmp:s3cret-pw@db.example:5432/inventory?sslmode=require';

function configError(env: Record<string, string>, flags = {}): string {
  try {
    loadConfig(env, flags, HOME);
  } catch (error) {
    expect(error).toBeInstanceOf(ExtractorError);
    expect((error as ExtractorError).code).toBe('config_invalid');
    return (error as ExtractorError).message;
  }
  throw new Error('expected a configuration error');
}

describe('choosing the database (D103)', () => {
  it('is SQLite at PMP_DB_PATH without PMP_DB_URL', () => {
    const config = loadConfig({ PMP_DB_PATH: '/d/a.db' }, {}, HOME);
    expect(databaseLocation(config)).toEqual({ kind: 'sqlite', path: '/d/a.db' });
  });

  it('is PostgreSQL for a postgres:// or postgresql:// URL, from the variable or --db-url', () => {
    const fromEnv = loadConfig({ PMP_DB_URL: URL_WITH_PASSWORD, PMP_ACCOUNT: 'client-a' }, {}, HOME);
    expect(databaseLocation(fromEnv)).toEqual({
      kind: 'postgres',
      url: URL_WITH_PASSWORD,
      schema: 'client_a',
    });
    const fromFlag = loadConfig({}, { dbUrl: 'postgresql://h/x' }, HOME);
    expect(databaseLocation(fromFlag)).toEqual({ kind: 'postgres', url: 'postgresql://h/x', schema: 'x' });
  });

  it('refuses another scheme without echoing the value (it may hold a password)', () => {
    const message = configError({ PMP_DB_URL: 'mysql://u:hunter22@h/x' });
    expect(message).toContain('PMP_DB_URL is malformed (value not shown because it is secret)');
    expect(message).not.toContain('hunter22');
    expect(configError({}, { dbUrl: 'not a url' })).toContain('--db-url is malformed');
  });

  it('refuses a URL together with an explicit PMP_DB_PATH or --db, naming both', () => {
    const both = 'PMP_DB_URL / --db-url and PMP_DB_PATH / --db are both set';
    expect(configError({ PMP_DB_URL: URL_WITH_PASSWORD, PMP_DB_PATH: '/d/a.db' })).toContain(both);
    expect(configError({ PMP_DB_URL: URL_WITH_PASSWORD }, { dbPath: '/d/a.db' })).toContain(both);
    expect(configError({ PMP_DB_PATH: '/d/a.db' }, { dbUrl: 'postgres://h/x' })).toContain(both);
    expect(configError({ PMP_DB_URL: URL_WITH_PASSWORD, PMP_DB_PATH: '/d/a.db' })).not.toContain('s3cret');
    // A blank PMP_DB_PATH (cron files export FOO=) is unset, not a second database.
    expect(() => loadConfig({ PMP_DB_URL: URL_WITH_PASSWORD, PMP_DB_PATH: ' ' }, {}, HOME)).not.toThrow();
  });
});

describe('the schema (D104)', () => {
  it('defaults to the account name as an identifier', () => {
    expect(schemaFromAccount('client_a')).toBe('client_a');
    expect(schemaFromAccount('Client-A')).toBe('client_a');
    expect(schemaFromAccount('2024-eu')).toBe('pmp_2024_eu');
    expect(schemaFromAccount('pg_acme')).toBe('pmp_pg_acme');
    expect(schemaFromAccount('pmp_extractor_shared')).toBe('pmp_pmp_extractor_shared');
    expect(schemaFromAccount('a'.repeat(64))).toHaveLength(63);
  });

  it('takes PMP_DB_SCHEMA over the account', () => {
    const config = loadConfig(
      { PMP_DB_URL: 'postgres://h/x', PMP_ACCOUNT: 'a', PMP_DB_SCHEMA: 'shared_b' },
      {},
      HOME,
    );
    expect(config.dbSchema).toBe('shared_b');
  });

  it.each([
    'Upper',
    '1abc',
    'pg_x',
    'a-b',
    'a'.repeat(64),
    'x;drop',
    'pmp_extractor_shared',
    'information_schema',
  ])('refuses PMP_DB_SCHEMA=%s', (schema) => {
    expect(configError({ PMP_DB_URL: 'postgres://h/x', PMP_DB_SCHEMA: schema })).toContain(
      `PMP_DB_SCHEMA must be a schema name of 1 to 63 lowercase letters, digits or "_"`,
    );
  });

  it('takes the account from the URL database name when PMP_ACCOUNT is unset', () => {
    expect(loadConfig({ PMP_DB_URL: URL_WITH_PASSWORD }, {}, HOME)).toMatchObject({
      account: 'inventory',
      dbSchema: 'inventory',
    });
    expect(accountFromDbUrl('postgres://h')).toBe('default');
    expect(accountFromDbUrl('postgres://h/my%20db')).toBe('my_db');
  });
});

describe('the URL password (D105)', () => {
  it('is masked where the URL is shown and removed for the hook', () => {
    expect(maskedDbUrl(URL_WITH_PASSWORD)).toBe(
      'postgres://pmp:***@db.example:5432/inventory?sslmode=require',
    );
    expect(dbUrlWithoutPassword(URL_WITH_PASSWORD)).toBe(
      'postgres://pmp@db.example:5432/inventory?sslmode=require',
    );
    expect(maskedDbUrl('postgres://pmp@h/x?password=abcd1234')).toBe('postgres://pmp@h/x?password=***');
    expect(dbUrlWithoutPassword('postgres://pmp@h/x?password=abcd1234&sslmode=verify-full')).toBe(
      'postgres://pmp@h/x?sslmode=verify-full',
    );
    expect(maskedDbUrl('postgres://root@127.0.0.1:5432/test')).toBe('postgres://root@127.0.0.1:5432/test');
  });

  it('labels the location with the masked URL and the schema', () => {
    expect(databaseLabel({ kind: 'postgres', url: URL_WITH_PASSWORD, schema: 'client_a' })).toBe(
      'postgres://pmp:***@db.example:5432/inventory?sslmode=require (schema client_a)',
    );
    expect(databaseLabel({ kind: 'sqlite', path: '/d/a.db' })).toBe('/d/a.db');
  });

  it('gives every written, encoded and decoded form of the password to the scrubber', () => {
    expect(dbUrlSecrets(URL_WITH_PASSWORD)).toEqual(['s3cret-pw']);
    expect(dbUrlSecrets('postgres://u:p%40ss%2Fw0rd@h/x')).toEqual(['p%40ss%2Fw0rd', 'p@ss/w0rd']);
    expect(dbUrlSecrets('postgres://u:p@ss@h/x')).toEqual(expect.arrayContaining(['p%40ss', 'p@ss']));
    expect(dbUrlSecrets('postgres://u@h/x?password=qwerty12')).toEqual(['qwerty12']);
    expect(dbUrlSecrets('postgres://u@h/x')).toEqual([]);
    expect(dbUrlSecrets(undefined)).toEqual([]);
    expect(dbUrlSecrets('not a url')).toEqual([]);
  });
});

describe('readEarlySettings with PostgreSQL (D42)', () => {
  it('keeps the URL and schema when another setting is invalid', () => {
    const env = { PMP_DB_URL: URL_WITH_PASSWORD, PMP_ACCOUNT: 'acme', PMP_BATCH_PAGES: 'lots' };
    expect(readEarlySettings(env, {}, HOME)).toEqual({
      metricsFile: null,
      database: { kind: 'postgres', url: URL_WITH_PASSWORD, schema: 'acme' },
      account: 'acme',
    });
  });

  it('names no database when it cannot tell which one is meant', () => {
    const bothSet = { PMP_DB_URL: URL_WITH_PASSWORD, PMP_DB_PATH: '/d/a.db' };
    expect(readEarlySettings(bothSet, {}, HOME).database).toBeNull();
    expect(readEarlySettings({ PMP_DB_URL: 'mysql://h/x' }, {}, HOME).database).toBeNull();
    expect(
      readEarlySettings({ PMP_DB_URL: 'postgres://h/x', PMP_DB_SCHEMA: 'Bad' }, {}, HOME).database,
    ).toBeNull();
  });
});
