import { describe, expect, it } from 'vitest';
import { buildHookEnv, SECRET_VARIABLES } from './hook-env.ts';

describe('buildHookEnv', () => {
  it('renders an unknown snapshot as empty and a missed target as "false"', () => {
    const env = buildHookEnv(
      { PMP_SNAPSHOT_ID: 'stale', PMP_REFRESH_TOKEN: 'r' },
      {
        PMP_SNAPSHOT_ID: null,
        PMP_COVERAGE_PCT: 37.2,
        PMP_TARGET_MET: false,
        PMP_EXIT_CODE: 2,
        database: { PMP_DB_PATH: '/db' },
      },
    );
    expect(env).toEqual({
      PMP_SNAPSHOT_ID: '',
      PMP_COVERAGE_PCT: '37.2',
      PMP_TARGET_MET: 'false',
      PMP_EXIT_CODE: '2',
      PMP_DB_PATH: '/db',
    });
  });

  it('withholds the client secret, the refresh token, the webhook URL and the token command', () => {
    expect(SECRET_VARIABLES).toEqual([
      'PMP_CLIENT_SECRET',
      'PMP_REFRESH_TOKEN',
      'SLACK_WEBHOOK_URL',
      'PMP_TOKEN_COMMAND',
    ]);
  });

  it('never passes PMP_TOKEN_COMMAND to the hook (it can carry a secret inline)', () => {
    const env = buildHookEnv(
      { PATH: '/bin', PMP_TOKEN_COMMAND: 'vault read -field=token secret/pmp' },
      {
        PMP_SNAPSHOT_ID: 1,
        PMP_COVERAGE_PCT: 100,
        PMP_TARGET_MET: true,
        PMP_EXIT_CODE: 0,
        database: { PMP_DB_PATH: '/db' },
      },
    );
    expect(env['PATH']).toBe('/bin');
    expect(Object.keys(env)).not.toContain('PMP_TOKEN_COMMAND');
  });

  it('gives a PostgreSQL hook the URL without its password and the schema, never the inherited URL (D107)', () => {
    const env = buildHookEnv(
      { PATH: '/bin', PMP_DB_URL: 'postgres://pmp:hunter22@db/inv', PMP_DB_PATH: '/stale.db' },
      {
        PMP_SNAPSHOT_ID: 4,
        PMP_COVERAGE_PCT: 100,
        PMP_TARGET_MET: true,
        PMP_EXIT_CODE: 0,
        database: { PMP_DB_URL: 'postgres://pmp@db/inv', PMP_DB_SCHEMA: 'client_a' },
      },
    );
    expect(env['PMP_DB_URL']).toBe('postgres://pmp@db/inv');
    expect(env['PMP_DB_SCHEMA']).toBe('client_a');
    expect(Object.keys(env)).not.toContain('PMP_DB_PATH');
    expect(JSON.stringify(env)).not.toContain('hunter22');
  });

  it('drops an inherited PMP_DB_URL from a SQLite hook', () => {
    const env = buildHookEnv(
      { PMP_DB_URL: 'postgres://pmp:hunter22@db/inv', PMP_DB_SCHEMA: 'x' },
      {
        PMP_SNAPSHOT_ID: 1,
        PMP_COVERAGE_PCT: 100,
        PMP_TARGET_MET: true,
        PMP_EXIT_CODE: 0,
        database: { PMP_DB_PATH: '/db' },
      },
    );
    expect(env['PMP_DB_PATH']).toBe('/db');
    expect(Object.keys(env)).not.toContain('PMP_DB_URL');
    expect(Object.keys(env)).not.toContain('PMP_DB_SCHEMA');
  });
});
