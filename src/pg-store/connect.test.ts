/**
 * connectPostgres: each failure is one actionable database_error line that never contains the
 * password, whatever the server or the driver said. The refusals come from a fake server that
 * speaks the start of the real protocol; the rest from a closed port and, when
 * PMP_TEST_DATABASE_URL is set, the real server.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import { startFakePgServer, type FakePgServer } from '../../test/support/fake-pg-server.ts';
import { TEST_DATABASE_URL } from '../../test/support/pg-schemas.ts';
import { connectPostgres } from './connect.ts';

const PASSWORD = 's3cr#t/p@ss:word';

let server: FakePgServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(url: string, options = {}): Promise<Error & { code?: string }> {
  try {
    const client = await connectPostgres(url, options);
    await client.close();
  } catch (error) {
    expect(isExtractorError(error)).toBe(true);
    return error as Error & { code?: string };
  }
  throw new Error('expected the connection to fail');
}

function expectClean(error: Error, ...forbidden: string[]): void {
  expect(error.message).not.toMatch(/\n/);
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), ...forbidden]) {
    expect(error.message).not.toContain(secret);
  }
  expect(error.cause).toBeUndefined();
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('connectPostgres failures', () => {
  it('names user, host and database when the password is refused, and never the password', async () => {
    server = await startFakePgServer({
      code: '28P01',
      message: () => 'password authentication failed for user "acme"',
    });
    const error = await failure(server.url('acme', PASSWORD, 'inventory'));
    expect(server.passwords).toEqual([PASSWORD]);
    expect(error.code).toBe('database_error');
    const port = new URL(server.url('acme', PASSWORD, 'inventory')).port;
    expect(error.message).toBe(
      `PostgreSQL at acme@127.0.0.1:${port}/inventory refused the password of user "acme". ` +
        'Check the password in PMP_DB_URL / --db-url.',
    );
    expectClean(error);
  });

  it('scrubs the password from a server message that quotes it, raw or percent-encoded', async () => {
    server = await startFakePgServer({
      code: 'XX000',
      message: (password) => `odd failure for ${password} (${encodeURIComponent(password)})\nsecond line`,
    });
    const error = await failure(server.url('acme', PASSWORD, 'inventory'));
    expect(error.message).toMatch(
      /^Cannot connect to PostgreSQL at acme@127\.0\.0\.1:\d+\/inventory: odd failure for \*\*\* \(\*\*\*\) second line\. Check PMP_DB_URL/,
    );
    expectClean(error);
  });

  it('reports a refused connection with the host and port to check', async () => {
    const port = await closedPort();
    const error = await failure(
      `postgres://acme:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/inventory`,
    );
    expect(error.message).toBe(
      `Cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused. Check that the server runs ` +
        'and listens there (host and port in PMP_DB_URL).',
    );
    expectClean(error);
  });

  it('refuses a URL that does not parse or is not postgres://, without quoting it', async () => {
    const bad = await failure(`postgres://acme:${PASSWORD}@[::1/db`);
    expect(bad.message).toMatch(/^The PostgreSQL URL is not a valid URL/);
    expectClean(bad, 'acme');
    const scheme = await failure(`mysql://acme:${encodeURIComponent(PASSWORD)}@db.example/inventory`);
    expect(scheme.message).toMatch(/must start with postgres:\/\/ or postgresql:\/\/, not mysql:\/\//);
    expectClean(scheme);
  });

  it('gives up on a server that never answers within the connect timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const error = await failure(
        `postgresql://acme:${encodeURIComponent(PASSWORD)}@127.0.0.1:${address.port}/db`,
        {
          connectTimeoutMs: 300,
        },
      );
      expect(error.message).toMatch(
        /^PostgreSQL at acme@127\.0\.0\.1:\d+\/db did not answer within 0\.3 s\./,
      );
      expectClean(error);
    } finally {
      silent.close();
    }
  });
});

describe.skipIf(TEST_DATABASE_URL === undefined)('connectPostgres on the real server', () => {
  const url = new URL(TEST_DATABASE_URL ?? 'postgres://localhost/test');

  it('connects with the application name and a 5 s lock_timeout, int8 as exact text, and closes', async () => {
    const client = await connectPostgres(url.href, { applicationName: 'pmp-extractor connect test' });
    const { rows } = await client.query(
      "SELECT current_setting('application_name') AS name, current_setting('lock_timeout') AS lock, $1::bigint AS big",
      ['12345678901234567'],
    );
    expect(rows).toEqual([{ name: 'pmp-extractor connect test', lock: '5s', big: '12345678901234567' }]);
    await client.close();
  });

  it('names the database that does not exist', async () => {
    const missing = new URL(url.href);
    missing.pathname = '/pmp_no_such_database';
    missing.password = PASSWORD;
    const error = await failure(missing.href);
    expect(error.message).toBe(
      `PostgreSQL at ${missing.hostname}:${missing.port || '5432'} has no database "pmp_no_such_database". ` +
        'Create it or fix the database name in PMP_DB_URL.',
    );
    expectClean(error);
  });
});
