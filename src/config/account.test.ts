import { describe, expect, it } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import { accountFromDbPath } from './fields.ts';
import { loadConfig, readEarlySettings } from './load-config.ts';

describe('the account (D41)', () => {
  it('defaults to the database file name without its extension', () => {
    expect(loadConfig({}, {}, '/home/op').account).toBe('pmp_config');
    expect(loadConfig({ PMP_DB_PATH: '/var/lib/pmp/client-b.db' }, {}, '/home/op').account).toBe('client-b');
    expect(accountFromDbPath('/x/acme corp.v2.sqlite')).toBe('acme_corp_v2');
    expect(accountFromDbPath('/x/plain')).toBe('plain');
    expect(accountFromDbPath('/x/.hidden')).toBe('_hidden');
  });

  it('takes PMP_ACCOUNT, and --account over it', () => {
    expect(loadConfig({ PMP_ACCOUNT: 'client_a-1' }, {}, '/home/op').account).toBe('client_a-1');
    expect(loadConfig({ PMP_ACCOUNT: 'a' }, { account: 'b' }, '/home/op').account).toBe('b');
  });

  it('refuses other characters with a message that says what is allowed', () => {
    const error = (() => {
      try {
        loadConfig({ PMP_ACCOUNT: 'client a' }, {}, '/home/op');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ExtractorError);
    expect((error as ExtractorError).message).toContain(
      'PMP_ACCOUNT must be an account name of 1 to 64 letters, digits, "-" or "_" (e.g. client-a) (got "client a")',
    );
  });
});

describe('readEarlySettings (D42)', () => {
  it('keeps the metrics file, database and account when another setting is invalid', () => {
    const env = { PMP_BATCH_PAGES: 'lots', PMP_DB_PATH: '/d/acme.db', PMP_METRICS_FILE: '/m/acme.prom' };
    expect(readEarlySettings(env, {}, '/home/op')).toEqual({
      metricsFile: '/m/acme.prom',
      database: { kind: 'sqlite', path: '/d/acme.db' },
      account: 'acme',
    });
  });

  it('falls back to the database name when PMP_ACCOUNT itself is invalid', () => {
    const early = readEarlySettings({ PMP_ACCOUNT: 'a b', PMP_DB_PATH: '/d/acme.db' }, {}, '/h');
    expect(early).toEqual({
      metricsFile: null,
      database: { kind: 'sqlite', path: '/d/acme.db' },
      account: 'acme',
    });
  });
});
