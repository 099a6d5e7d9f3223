/**
 * Helpers of the end-to-end tests of the API client (auth, throttling, retries, secrets): a recording
 * HTTP proxy that sees what the simulator's request log does not (response headers such as Retry-After
 * and Date, and the bytes actually delivered), read-only SQLite access to the child's database, and
 * small run helpers.
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestLogEntry } from '../../src/simulator/index.ts';
import { fastEnv, tempDir } from './run-cli.ts';
import { storedSystems, withDb } from './db.ts';
export { gapRows, rawRecords, withDb } from './db.ts';

const SCANDETAILS_PATH = '/api/1.4/patch/scandetails';

/** One request that went through the proxy. Times are epoch ms on this machine's clock. */
export interface ProxyEntry {
  method: string;
  path: string;
  page: number | null;
  /** When the proxy received the request (the client had sent it by then). */
  receivedMs: number;
  /** When the simulator's response headers reached the proxy (before the client saw them). */
  respondedMs: number | null;
  status: number | null;
  retryAfter: string | null;
  date: string | null;
  /** Body bytes the proxy read from the simulator and passed on (back-pressure keeps them in step). */
  bodyBytes: number;
}

export interface RecordingProxy {
  url: string;
  log: ProxyEntry[];
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value : null;
}

/**
 * A pass-through proxy in front of `targetUrl`. Streams with back-pressure both ways, and tears the
 * upstream response down as soon as the client goes away, so `bodyBytes` shows how much of a body the
 * client really pulled before it hung up.
 */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const log: ProxyEntry[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', targetUrl);
    const page = url.searchParams.get('page');
    const entry: ProxyEntry = {
      method: req.method ?? 'GET',
      path: url.pathname,
      page: page === null ? null : Number(page),
      receivedMs: Date.now(),
      respondedMs: null,
      status: null,
      retryAfter: null,
      date: null,
      bodyBytes: 0,
    };
    log.push(entry);
    const upstream = request(url, { method: req.method, headers: req.headers }, (answer) => {
      entry.respondedMs = Date.now();
      entry.status = answer.statusCode ?? null;
      entry.retryAfter = header(answer.headers, 'retry-after');
      entry.date = header(answer.headers, 'date');
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => {
        entry.bodyBytes += chunk.length;
      });
      answer.on('error', () => res.destroy());
      res.on('close', () => answer.destroy());
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeAllConnections();
      await closed;
    },
  };
}

const createdDirs: string[] = [];

/** A temporary directory that removeTempDirs() deletes. */
export function scratchDir(prefix = 'pmp-client-e2e-'): string {
  const dir = tempDir(prefix);
  createdDirs.push(dir);
  return dir;
}

/** A private HOME and database path for one child run. */
export function runDirs(): { home: string; dbPath: string } {
  const home = scratchDir();
  return { home, dbPath: join(home, 'pmp.db') };
}

/** Deletes every directory scratchDir() / runDirs() made in this file (call it in afterAll). */
export function removeTempDirs(): void {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** fastEnv plus a private HOME and database. */
export function clientEnv(
  sim: { url: string; credentials: Parameters<typeof fastEnv>[1] },
  dirs: { home: string; dbPath: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...fastEnv(sim.url, sim.credentials), HOME: dirs.home, PMP_DB_PATH: dirs.dbPath, ...extra };
}

/** The environment without the credential trio, so PMP_CREDENTIALS_FILE / PMP_TOKEN_COMMAND apply. */
export function withoutTrio(env: Record<string, string>): Record<string, string> {
  const trio = new Set(['PMP_CLIENT_ID', 'PMP_CLIENT_SECRET', 'PMP_REFRESH_TOKEN']);
  return Object.fromEntries(Object.entries(env).filter(([name]) => !trio.has(name)));
}

export function pageRequests(requests: readonly RequestLogEntry[], page?: number): RequestLogEntry[] {
  return requests.filter(
    (entry) => entry.path === SCANDETAILS_PATH && (page === undefined || entry.page === page),
  );
}

export function storedIds(dbPath: string): string[] {
  return withDb(dbPath, (db) =>
    (db.prepare(storedSystems('resource_id')).all() as { resource_id: string }[]).map(
      (row) => row.resource_id,
    ),
  );
}

export function lastCheckpoint(dbPath: string): { last_page: number; systems_extracted: number } | undefined {
  return withDb(
    dbPath,
    (db) =>
      db
        .prepare(
          'SELECT last_page, systems_extracted FROM extraction_checkpoints ORDER BY checkpoint_id DESC LIMIT 1',
        )
        .get() as { last_page: number; systems_extracted: number } | undefined,
  );
}

/** Ground-truth ids of 1-based `page` with `pageSize` records a page (ids are served in this order). */
export function idsOfPage(groundTruth: readonly string[], page: number, pageSize = 25): string[] {
  return groundTruth.slice((page - 1) * pageSize, page * pageSize);
}
