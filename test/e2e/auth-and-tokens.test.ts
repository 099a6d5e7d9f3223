/**
 * Issue 3, end to end: credentials sources, token-endpoint answers (invalid_code / invalid_client are
 * fatal after ONE request, Access Denied defers, 5xx is retried 3 times), auth failures on the API
 * (refresh and replay without spending a page attempt; three in a row abort), the persisted token
 * budget across fifteen back-to-back runs, and start-up configuration validation.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator, type Fault, type SimSettings, type Simulator } from '../../src/simulator/index.ts';
import { eventsOf, runCli } from '../support/run-cli.ts';
import {
  clientEnv,
  gapRows,
  lastCheckpoint,
  pageRequests,
  removeTempDirs,
  runDirs,
  storedIds,
  withoutTrio,
} from '../support/recording-proxy.ts';

const PAGE_SIZE = 25;
const sims: Simulator[] = [];

afterAll(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
  removeTempDirs();
});

async function startSim(settings: Partial<SimSettings> = {}): Promise<Simulator> {
  const sim = await createSimulator({ profile: 'clean', settings: { systems: 4 * PAGE_SIZE, ...settings } });
  sims.push(sim);
  return sim;
}

/** Most token requests inside any rolling window of `windowMs`. */
function maxInRollingWindow(timesMs: readonly number[], windowMs: number): number {
  const sorted = [...timesMs].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('token endpoint answers', () => {
  it('invalid_code (a wrong refresh token) exits 1 after exactly one token request, with an actionable message', async () => {
    const started = await startSim();
    const dirs = runDirs();
    const wrongToken = '1000.00000000000000000000000000000000.wrongwrongwrongwrongwrongwrong00';
    const result = await runCli([], clientEnv(started, dirs, { PMP_REFRESH_TOKEN: wrongToken }));
    expect(result.code).toBe(1);
    const stats = started.stats();
    expect(stats.tokenRequests.map((entry) => entry.outcome)).toEqual(['invalid_code']);
    expect(pageRequests(stats.requests)).toEqual([]);
    expect(result.stderr).toContain('invalid_code');
    expect(result.stderr).toContain('PMP_REFRESH_TOKEN');
    expect(result.stderr).not.toContain(wrongToken);
    expect(eventsOf(result, 'extraction_failed')).toEqual([
      expect.objectContaining({ level: 'CRITICAL', error_type: 'credentials_rejected', exit_code: 1 }),
    ]);
  });

  it('invalid_client (a wrong client secret) exits 1 after exactly one token request, naming the variables to check', async () => {
    const started = await startSim();
    const dirs = runDirs();
    const wrongSecret = 'ffffffffffffffffffffffffffffffffffffffffff';
    const result = await runCli([], clientEnv(started, dirs, { PMP_CLIENT_SECRET: wrongSecret }));
    expect(result.code).toBe(1);
    expect(started.stats().tokenRequests.map((entry) => entry.outcome)).toEqual(['invalid_client']);
    expect(result.stderr).toContain('invalid_client');
    expect(result.stderr).toContain('PMP_CLIENT_SECRET');
    expect(result.stderr).not.toContain(wrongSecret);
  });

  it.each([200, 400])(
    'Access Denied (too many requests, HTTP %i) is token throttling: exit 3 after one request, no hammering',
    async (status) => {
      const started = await startSim({ maxTokenRequestsPerWindow: 0, tokenThrottleStatus: status });
      const dirs = runDirs();
      const result = await runCli([], clientEnv(started, dirs));
      expect(result.code, result.stderr).toBe(3);
      expect(started.stats().tokenRequests.map((entry) => entry.outcome)).toEqual(['access_denied']);
      expect(eventsOf(result, 'run_deferred')).toEqual([
        expect.objectContaining({ reason: 'token_throttled' }),
      ]);
      expect(pageRequests(started.stats().requests)).toEqual([]);
    },
  );

  it('a token endpoint answering 503 is tried 4 times in all (3 retries), then the run exits 1', async () => {
    const started = await startSim();
    const hits: number[] = [];
    const accounts = createServer((req, res) => {
      hits.push(Date.now());
      req.resume();
      res.writeHead(503, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
    });
    await new Promise<void>((resolve) => accounts.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = accounts.address() as AddressInfo;
      const dirs = runDirs();
      const result = await runCli(
        [],
        clientEnv(started, dirs, { PMP_ACCOUNTS_URL: `http://127.0.0.1:${port}` }),
      );
      expect(result.code).toBe(1);
      expect(hits).toHaveLength(4);
      expect(result.stderr).toContain('failed 4 times');
      expect(pageRequests(started.stats().requests)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => {
        accounts.close(() => {
          resolve();
        });
      });
    }
  });
});

describe('auth failures on the API', () => {
  it.each([
    ['HTTP 401', '401', 401],
    ['an INVALID_OAUTHTOKEN error inside HTTP 200', '200_error', 200],
  ] as const)(
    '%s is answered by one refresh and an immediate replay that spends no page attempt',
    async (_label, authFailure, status) => {
      // One attempt per page, and a 5 s backoff base: a replay that cost an attempt would leave a gap,
      // and one that waited for backoff would come 5 s later.
      const started = await startSim({ authFailure, pageScripts: { 2: [{ kind: 'auth_error' }] } });
      const dirs = runDirs();
      const result = await runCli(
        ['--batch-pages', '3'],
        clientEnv(started, dirs, { PMP_MAX_ATTEMPTS: '1', PMP_BACKOFF_BASE_MS: '5000' }),
      );
      expect(result.code, result.stderr).toBe(0);
      const page2 = pageRequests(started.stats().requests, 2);
      expect(page2.map((entry) => [entry.status, entry.fault, entry.tokenId])).toEqual([
        [status, 'auth_error', 'tok-1'],
        [200, null, 'tok-2'],
      ]);
      const [refused, replay] = page2;
      expect((replay?.timeMs ?? Infinity) - (refused?.timeMs ?? 0)).toBeLessThan(1000);
      expect(eventsOf(result, 'token_refresh').map((event) => event['reason'])).toEqual([
        'batch_start',
        '401',
      ]);
      expect(eventsOf(result, 'page_extraction_failed')).toEqual([
        expect.objectContaining({
          page: 2,
          attempt: 1,
          error_type: '401_unauthorized',
          action: 'refresh_token',
        }),
      ]);
      expect(gapRows(dirs.dbPath)).toEqual([]);
      expect(storedIds(dirs.dbPath)).toHaveLength(3 * PAGE_SIZE);
    },
  );

  it('a 403 that persists after one refresh is a scope problem: abort with exit 1, no further pages', async () => {
    const forbidden: Fault = { kind: 'status', status: 403 };
    const started = await startSim({ pageScripts: { 2: [forbidden, forbidden] } });
    const dirs = runDirs();
    const result = await runCli(['--batch-pages', '3'], clientEnv(started, dirs));
    expect(result.code).toBe(1);
    expect(pageRequests(started.stats().requests, 2).map((entry) => entry.status)).toEqual([403, 403]);
    expect(pageRequests(started.stats().requests, 3)).toEqual([]);
    expect(eventsOf(result, 'token_refresh').map((event) => event['reason'])).toEqual(['batch_start', '401']);
    expect(eventsOf(result, 'extraction_failed')).toEqual([
      expect.objectContaining({ error_type: 'auth_aborted', exit_code: 1 }),
    ]);
  });

  it('three consecutive auth failures abort with a CRITICAL event and exit 1', async () => {
    const authError: Fault = { kind: 'auth_error' };
    const started = await startSim({ pageScripts: { 2: [authError, authError, authError] } });
    const dirs = runDirs();
    const result = await runCli(['--batch-pages', '3'], clientEnv(started, dirs));
    expect(result.code).toBe(1);
    expect(pageRequests(started.stats().requests, 2).map((entry) => entry.status)).toEqual([401, 401, 401]);
    expect(pageRequests(started.stats().requests, 3)).toEqual([]);
    expect(started.stats().tokenRequests).toHaveLength(3);
    expect(eventsOf(result, 'extraction_failed')).toEqual([
      expect.objectContaining({ level: 'CRITICAL', error_type: 'auth_aborted', exit_code: 1 }),
    ]);
    // What was fetched before the abort is kept.
    expect(lastCheckpoint(dirs.dbPath)).toMatchObject({ last_page: 1 });
  });
});

describe('token budget', () => {
  it.concurrent(
    'fifteen runs back to back never send more than 10 token requests in 10 minutes; the rest defer with token_budget',
    async () => {
      const started = await startSim({ systems: 3362 });
      const dirs = runDirs();
      const env = clientEnv(started, dirs);
      const codes: (number | null)[] = [];
      const deferReasons: unknown[] = [];
      for (let run = 1; run <= 15; run += 1) {
        const result = await runCli(['--batch-pages', '2'], env);
        codes.push(result.code);
        deferReasons.push(eventsOf(result, 'run_deferred')[0]?.['reason'] ?? null);
      }
      expect(codes).toEqual([...Array<number>(10).fill(0), ...Array<number>(5).fill(3)]);
      expect(deferReasons).toEqual([...Array<null>(10).fill(null), ...Array<string>(5).fill('token_budget')]);
      const { tokenRequests } = started.stats();
      expect(tokenRequests).toHaveLength(10);
      expect(tokenRequests.every((entry) => entry.outcome === 'issued')).toBe(true);
      expect(
        maxInRollingWindow(
          tokenRequests.map((entry) => entry.timeMs),
          600_000,
        ),
      ).toBeLessThanOrEqual(10);
      // The ten runs that had a token made progress: two pages each, in order.
      expect(lastCheckpoint(dirs.dbPath)).toMatchObject({ last_page: 20, systems_extracted: 20 * PAGE_SIZE });
    },
  );

  // Runs beside the fifteen runs above: it mostly waits on its slow simulator.
  it.concurrent(
    'a budget spent mid-batch (PMP_TOKEN_BUDGET=2) stops at the next refresh: exit 3, pages so far kept',
    async () => {
      // 2 s tokens and ~45 ms pages: the second proactive refresh (~3.2 s in) would be the third token
      // request, long before the 80 pages (~3.6 s) are done.
      const started = await startSim({ systems: 80 * PAGE_SIZE, tokenExpiresInS: 2, latencyMs: [40, 50] });
      const dirs = runDirs();
      const result = await runCli(
        ['--batch-pages', '80'],
        clientEnv(started, dirs, { PMP_TOKEN_BUDGET: '2' }),
      );
      expect(result.code, result.stderr).toBe(3);
      const stats = started.stats();
      expect(stats.tokenRequests.map((entry) => entry.outcome)).toEqual(['issued', 'issued']);
      expect(eventsOf(result, 'run_deferred')).toEqual([expect.objectContaining({ reason: 'token_budget' })]);
      expect(stats.requests.filter((entry) => entry.status === 401)).toEqual([]);
      const fetched = pageRequests(stats.requests).length;
      expect(fetched).toBeGreaterThan(10);
      expect(fetched).toBeLessThan(80);
      expect(eventsOf(result, 'token_refresh').map((event) => [event['reason'], event['success']])).toEqual([
        ['batch_start', true],
        ['proactive', true],
        ['proactive', false],
      ]);
      expect(lastCheckpoint(dirs.dbPath)).toMatchObject({
        last_page: fetched,
        systems_extracted: fetched * PAGE_SIZE,
      });
    },
  );
});

describe('credentials sources', () => {
  function writeCredentialsFile(dir: string, simulator: Simulator, mode: number): string {
    const path = join(dir, 'pmp-credentials.json');
    writeFileSync(
      path,
      JSON.stringify({
        client_id: simulator.credentials.clientId,
        client_secret: simulator.credentials.clientSecret,
        refresh_token: simulator.credentials.refreshToken,
      }),
    );
    chmodSync(path, mode);
    return path;
  }

  it('PMP_CREDENTIALS_FILE readable by group or others is refused with a chmod 600 hint, before any request', async () => {
    const started = await startSim();
    const dirs = runDirs();
    const file = writeCredentialsFile(dirs.home, started, 0o644);
    const env = { ...withoutTrio(clientEnv(started, dirs)), PMP_CREDENTIALS_FILE: file };
    const result = await runCli([], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('chmod 600');
    expect(result.stderr).toContain('0644');
    expect(started.stats().requests).toEqual([]);
  });

  it('PMP_CREDENTIALS_FILE with mode 0600 is used', async () => {
    const started = await startSim();
    const dirs = runDirs();
    const file = writeCredentialsFile(dirs.home, started, 0o600);
    const env = { ...withoutTrio(clientEnv(started, dirs)), PMP_CREDENTIALS_FILE: file };
    const result = await runCli(['--batch-pages', '2'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(started.stats().tokenRequests.map((entry) => entry.outcome)).toEqual(['issued']);
    expect(eventsOf(result, 'token_refresh')[0]).toMatchObject({ source: 'refresh_token', success: true });
    expect(storedIds(dirs.dbPath)).toHaveLength(2 * PAGE_SIZE);
  });

  it('PMP_TOKEN_COMMAND printing the token endpoint JSON supplies the token and its TTL', async () => {
    const started = await startSim();
    const dirs = runDirs();
    // A stand-in for an OAuth manager: a node script that mints a token from the simulator.
    const script = join(dirs.home, 'mint-token.mjs');
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: started.credentials.clientId,
      client_secret: started.credentials.clientSecret,
      refresh_token: started.credentials.refreshToken,
    }).toString();
    writeFileSync(
      script,
      `const answer = await fetch(${JSON.stringify(`${started.url}/oauth/v2/token`)}, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: ${JSON.stringify(form)},
});
process.stdout.write(await answer.text());
`,
    );
    const env = {
      ...withoutTrio(clientEnv(started, dirs)),
      PMP_TOKEN_COMMAND: `"${process.execPath}" "${script}"`,
    };
    const result = await runCli(['--batch-pages', '2'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(eventsOf(result, 'token_refresh')).toEqual([
      expect.objectContaining({ reason: 'batch_start', success: true, source: 'token_command', ttl_s: 3600 }),
    ]);
    const stats = started.stats();
    expect(stats.tokenRequests.map((entry) => entry.outcome)).toEqual(['issued']);
    expect(pageRequests(stats.requests).map((entry) => entry.tokenId)).toEqual(['tok-1', 'tok-1']);
    expect(storedIds(dirs.dbPath)).toHaveLength(2 * PAGE_SIZE);
  });
});

describe('configuration validation', () => {
  it.each([
    ['PMP_BATCH_PAGES=abc', [], { PMP_BATCH_PAGES: 'abc' }, 'PMP_BATCH_PAGES'],
    ['--batch-pages abc', ['--batch-pages', 'abc'], {}, '--batch-pages'],
  ])(
    '%s exits 1 before any request, naming the variable and the expected form',
    async (_label, args, extra, name) => {
      const started = await startSim();
      const dirs = runDirs();
      const result = await runCli(args, clientEnv(started, dirs, extra));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${name} must be a whole number`);
      expect(eventsOf(result, 'extraction_failed')).toEqual([
        expect.objectContaining({ error_type: 'config_invalid', exit_code: 1 }),
      ]);
      expect(started.stats().requests).toEqual([]);
    },
  );
});
