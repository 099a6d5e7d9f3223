/**
 * The run lock (D100). Contention needs two sessions, so most of this runs against the real server
 * of PMP_TEST_DATABASE_URL (PGlite has one connection): a second run gets null, release checks the
 * unlock, a terminated or silent lock connection fires onLost.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import { randomSchema, TEST_DATABASE_URL } from '../../test/support/pg-schemas.ts';
import { connectPgClient, connectPostgres } from './connect.ts';
import { runLockKey } from './names.ts';
import { acquirePostgresRunLock } from './index.ts';
import { lockOnSession } from './run-lock.ts';

describe('acquirePostgresRunLock without a server', () => {
  it('refuses a bad schema name before connecting, and reports an unreachable server', async () => {
    await expect(
      acquirePostgresRunLock({ url: 'postgres://127.0.0.1:1/x', schema: 'Bad' }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
    });
    await expect(
      acquirePostgresRunLock({ url: 'postgres://u:pw@127.0.0.1:1/x', schema: 'ok' }),
    ).rejects.toThrow(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:1: connection refused/);
  });
});

const url = TEST_DATABASE_URL ?? '';

/** Resolves with the error onLost was called with, or rejects after `ms`. */
function lostWithin(ms: number): { onLost: (error: Error) => void; lost: Promise<Error> } {
  let onLost: (error: Error) => void = () => undefined;
  const lost = new Promise<Error>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`onLost was not called within ${ms} ms`));
    }, ms);
    onLost = (error) => {
      clearTimeout(timer);
      resolve(error);
    };
  });
  return {
    onLost: (error) => {
      onLost(error);
    },
    lost,
  };
}

describe.skipIf(TEST_DATABASE_URL === undefined)(
  'the run lock on the real server',
  { timeout: 30_000 },
  () => {
    it('lets one run in: the second gets null, another schema is not blocked, release frees it', async () => {
      const schema = randomSchema();
      const first = await acquirePostgresRunLock({ url, schema });
      expect(first).not.toBeNull();
      expect(await acquirePostgresRunLock({ url, schema })).toBeNull();
      const other = await acquirePostgresRunLock({ url, schema: randomSchema() });
      expect(other).not.toBeNull();
      // The key in pg_locks is the documented one (high and low 32 bits of the int8 key).
      const probe = await connectPostgres(url);
      const key = BigInt(runLockKey(schema));
      const { rows } = await probe.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
         AND classid::bigint = $1 AND objid::bigint = $2`,
        [String((key >> 32n) & 0xffffffffn), String(key & 0xffffffffn)],
      );
      expect(rows).toEqual([{ n: 1 }]);
      await first?.release();
      await first?.release();
      const again = await acquirePostgresRunLock({ url, schema });
      expect(again).not.toBeNull();
      await again?.release();
      await other?.release();
      await probe.close();
    });

    it('throws from release when pg_advisory_unlock answers false, and still closes the session', async () => {
      const schema = randomSchema();
      const session = await connectPgClient(url);
      const lock = await lockOnSession(session, { schema, heartbeatMs: 15_000 });
      // What a transaction-pooling proxy does behind our back: the session no longer holds the lock.
      await session.query('SELECT pg_advisory_unlock_all()');
      let failure: unknown;
      try {
        await lock?.release();
      } catch (error) {
        failure = error;
      }
      expect(isExtractorError(failure) && failure.code).toBe('database_error');
      expect((failure as Error).message).toBe(
        `The run lock of PostgreSQL schema "${schema}" was not held at release (pg_advisory_unlock(` +
          `${runLockKey(schema)}) returned false): another run may have written at the same time. Check that ` +
          'PMP_DB_URL does not go through a transaction-pooling PgBouncer.',
      );
      await expect(session.query('SELECT 1')).rejects.toThrow();
    });

    it('calls onLost once when the lock connection is terminated, and the server frees the lock', async () => {
      const schema = randomSchema();
      const { onLost, lost } = lostWithin(10_000);
      let calls = 0;
      const lock = await acquirePostgresRunLock({
        url,
        schema,
        onLost: (error) => {
          calls += 1;
          onLost(error);
        },
      });
      const admin = await connectPostgres(url);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [`pmp-extractor run lock (${schema})`],
      );
      expect((await lost).message).toMatch(/terminat|ended/i);
      await lock?.release();
      expect(calls).toBe(1);
      const next = await acquirePostgresRunLock({ url, schema });
      expect(next).not.toBeNull();
      await next?.release();
      await admin.close();
    });

    it('calls onLost when the lock connection goes silent (a partition), found by the heartbeat', async () => {
      const target = new URL(url);
      const proxy = await frozenProxy(target.hostname, Number(target.port || 5432));
      try {
        const viaProxy = new URL(url);
        viaProxy.hostname = '127.0.0.1';
        viaProxy.port = String(proxy.port);
        const { onLost, lost } = lostWithin(10_000);
        const schema = randomSchema();
        const lock = await acquirePostgresRunLock({ url: viaProxy.href, schema, heartbeatMs: 200, onLost });
        const startedMs = Date.now();
        proxy.freeze();
        expect((await lost).message).toMatch(/^The run lock stopped answering of PostgreSQL schema/);
        expect(Date.now() - startedMs).toBeLessThan(5000);
        await lock?.release();
      } finally {
        await proxy.close();
      }
    });
  },
);

/** A TCP proxy that can stop forwarding without closing anything: the connection goes silent. */
async function frozenProxy(
  host: string,
  port: number,
): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection(port, host);
    sockets.push(client, upstream);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.on('error', () => undefined);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    freeze: () => {
      frozen = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
