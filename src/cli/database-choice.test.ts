/**
 * Every command with PMP_DB_URL / --db-url in-process (D103, D105): a server that does not answer is
 * one line and exit 1 (UNKNOWN for `--status --check`), a URL with a path is a configuration error,
 * and the URL's password never reaches stdout or stderr. The real-server paths are test/e2e's.
 */
import { describe, expect, it } from 'vitest';
import { knownSecrets } from '../app/index.ts';
import { runCli } from './run-cli.ts';
import { capture, simulatorFactory } from '../../test/support/in-process-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const PASSWORD = 'Tr0ub4dor-and-3';
/** Port 1 on loopback: nothing listens there, so the connection is refused at once. */
const UNREACHABLE = `postgres://pmp:${PASSWORD}@127.0.0.1:1/inventory`;
const CREDENTIALS = {
  PMP_CLIENT_ID: 'id',
  PMP_CLIENT_SECRET: 'client-secret-x',
  PMP_REFRESH_TOKEN: 'refresh-x',
};

async function run(argv: string[], env: Record<string, string> = {}) {
  const dir = tempDir('pmp-cli-pg-');
  const captured = capture(argv, { PMP_ACCOUNT: 'client-a', ...CREDENTIALS, ...env }, dir);
  const code = await runCli(captured.io, simulatorFactory);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('commands against a PostgreSQL server that does not answer', () => {
  it.each([
    ['extraction', []],
    ['--reset', ['--reset']],
    ['--status', ['--status']],
    ['--status --json', ['--status', '--json']],
    ['check', ['check']],
    ['raw', ['raw', '1']],
  ])('%s exits 1 with one line and never shows the password', async (_name, argv) => {
    const result = await run([...argv, '--db-url', UNREACHABLE]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('--status --check is UNKNOWN (3), without the password', async () => {
    const result = await run(['--status', '--check'], { PMP_DB_URL: UNREACHABLE });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^PMP_EXTRACTOR UNKNOWN - /);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});

describe('PMP_DB_URL with PMP_DB_PATH', () => {
  it.each([
    ['extraction', []],
    ['--status', ['--status']],
    ['check', ['check']],
  ])('%s is a configuration error (exit 1) that names both and shows no password', async (_name, argv) => {
    const result = await run([...argv, '--db', '/tmp/pmp-never.db'], { PMP_DB_URL: UNREACHABLE });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      'PMP_DB_URL / --db-url and PMP_DB_PATH / --db are both set',
    );
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});

describe('knownSecrets (D105)', () => {
  it('scrubs the URL password from the variable and from the flag, decoded too', () => {
    const secrets = knownSecrets(
      { PMP_DB_URL: 'postgres://u:from%2Fenv-pw@h/x', PMP_CLIENT_SECRET: 'client-secret-x' },
      { dbUrl: 'postgres://u:from-flag-pw@h/x' },
    );
    expect(secrets.scrub('a from/env-pw b from%2Fenv-pw c from-flag-pw d client-secret-x')).toBe(
      'a [redacted] b [redacted] c [redacted] d [redacted]',
    );
    // The rest of the URL is not secret: it is shown, with the password masked.
    expect(secrets.scrub('postgres://u:***@h/x')).toBe('postgres://u:***@h/x');
  });
});
