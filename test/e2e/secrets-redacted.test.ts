/**
 * Issue 5, end to end: redaction (D3, D8). Canary credentials and a canary webhook URL go into real
 * runs of the BUILT CLI; they (and every access token the run was issued) must never come back out
 * through stdout, stderr, the log file or any TEXT column of the database. Emails and IP addresses
 * that the simulator puts into its error bodies must be redacted in the logs and the gaps table,
 * while a (≤ 1 KB) sample is still kept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, PII_SENTENCE, type Simulator } from '../../src/simulator/index.ts';
import { ofType, validateEventStream, type AnyLogEvent } from '../support/event-schema.ts';
import {
  gapRows,
  obsEnv,
  runDirs,
  runValidated,
  startProxy,
  textCells,
  type InterceptingProxy,
  type RunDirs,
  type ValidatedRun,
} from '../support/validated-run.ts';

const CANARY = {
  clientId: '1000.CANARYCLIENTIDQ2M4K8X1R5T9W3Y6',
  clientSecret: 'canarysecret0c7e5a91d3f24b68a0e9c1d7f3b5a2e4',
  refreshToken: '1000.canaryrefresh4be1f9d07c3a5e8b2d6f0a4c.9e7d5b3f1a0c8e6d4b2f0a9c7e5d3b1f',
};
/** The credential part of a Slack webhook URL is its path. */
const HOOK_PATH = '/__sim/slack/CANARYHOOK/T0CANARY/B0CANARY/canaryhooksecretXq7Lw2';

/** A fragment this long of a secret counts as a leak (a truncated quote still gives most of it away). */
const FRAGMENT = 16;

/**
 * Where `secret` shows up in `text`: whole, URL-encoded, or as any FRAGMENT-char piece of it.
 * Returns the piece found, or null.
 */
function leakOf(text: string, secret: string): string | null {
  for (const form of [secret, encodeURIComponent(secret)]) if (text.includes(form)) return form;
  for (let i = 0; i + FRAGMENT <= secret.length; i += 1) {
    const piece = secret.slice(i, i + FRAGMENT);
    if (text.includes(piece)) return piece;
  }
  return null;
}

function expectNoLeak(where: string, text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(leakOf(text, secret), `${where} leaks a piece of ${secret.slice(0, 8)}…`).toBeNull();
  }
}

/** A proxy in front of the token endpoint that records every access token it hands out. */
async function tokenRecorder(targetUrl: string, tokens: string[]): Promise<InterceptingProxy> {
  return startProxy(targetUrl, {
    transform: (_request, _status, body) => {
      const token = (JSON.parse(body) as { access_token?: unknown }).access_token;
      if (typeof token === 'string') tokens.push(token);
      return body;
    },
  });
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/;
const IPV4 = /(?<![\d.])(\d{1,3}\.){3}\d{1,3}(?![\d.])/;
const PII_PIECES = ['admin@example.com', '10.1.2.3', 'fe80::1', '2001:db8::42'];

function expectNoPii(where: string, text: string): void {
  for (const piece of PII_PIECES) expect(text, `${where} contains ${piece}`).not.toContain(piece);
  expect(text, `${where} contains an email`).not.toMatch(EMAIL);
  expect(text, `${where} contains an IPv4 address`).not.toMatch(IPV4);
}

describe('canary: a chaos extraction never prints a token, the client secret or the webhook URL', () => {
  let sim: Simulator;
  let accounts: InterceptingProxy;
  let dirs: RunDirs;
  const tokens: string[] = [];
  let webhook: string;
  let toStdout: ValidatedRun;
  let toFile: ValidatedRun;
  let fileText: string;
  let fileLog: AnyLogEvent[];

  beforeAll(async () => {
    // Chaos draws its faults per request, so a timeout under CPU load shifts what later requests get.
    // Two scripted faults make sure, whatever the draws, that a 401 forces a token refresh and that
    // a 503 error body full of PII comes back.
    sim = await createSimulator({
      profile: 'chaos',
      seed: 3,
      settings: {
        credentials: CANARY,
        pageScripts: { 2: [{ kind: 'auth_error' }], 4: [{ kind: 'status', status: 503 }] },
      },
    });
    // The API goes straight to the simulator (chaos faults intact); only the token endpoint is
    // proxied, to learn the access tokens the runs were given.
    accounts = await tokenRecorder(sim.url, tokens);
    dirs = runDirs();
    webhook = `${sim.url}${HOOK_PATH}`;
    const env = obsEnv(sim, dirs, {
      PMP_ACCOUNTS_URL: accounts.url,
      PMP_BATCH_PAGES: '25',
      // Above the chaos profile's 1.5 s stalls even on a loaded machine.
      PMP_REQUEST_TIMEOUT_MS: '5000',
      PMP_LOG_LEVEL: 'debug',
      SLACK_WEBHOOK_URL: webhook,
    });
    toStdout = await runValidated([], env);
    toFile = await runValidated(['--log-file', join(dirs.dir, 'logs', 'pmp.log')], env);
    const [name] = readdirSync(join(dirs.dir, 'logs'));
    fileText = readFileSync(join(dirs.dir, 'logs', name ?? 'missing'), 'utf8');
    fileLog = validateEventStream(fileText);
  });
  afterAll(async () => {
    await accounts.close();
    await sim.close();
  });

  const secrets = (): string[] => [CANARY.clientSecret, CANARY.refreshToken, HOOK_PATH, webhook, ...tokens];

  it('really exercised the secrets: tokens issued and refreshed, faults hit, Slack posted', () => {
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toFile.code, toFile.stderr).toBe(0);
    // A fresh token per run plus refreshes after injected auth errors.
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    const refreshes = [...ofType(toStdout.log, 'token_refresh'), ...ofType(fileLog, 'token_refresh')];
    expect(refreshes.map((event) => event.reason)).toContain('401');
    expect(refreshes).toHaveLength(tokens.length);
    const failures = [...toStdout.log, ...fileLog].filter((e) => e.event_type === 'page_extraction_failed');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(sim.stats().slackMessages.length).toBeGreaterThanOrEqual(2);
    expect(fileLog.length).toBeGreaterThan(25);
  });

  it('stdout, stderr and the log file hold none of them, not even a 16-char piece', () => {
    expectNoLeak('stdout', toStdout.stdout, secrets());
    expectNoLeak('stderr', toStdout.stderr + toFile.stderr, secrets());
    expect(toFile.stdout).toBe('');
    expectNoLeak('log file', fileText, secrets());
  });

  it('no TEXT column of the database holds any of them', () => {
    const cells = textCells(dirs.dbPath);
    expect(cells.some((cell) => cell.table === 'system_raw_json' && cell.column === 'raw_json')).toBe(true);
    // One pass over all the text; on a leak, name the columns that hold it.
    const all = cells.map((cell) => cell.value).join('\n');
    const leaked = secrets().filter((secret) => leakOf(all, secret) !== null);
    const columns = cells.filter((cell) => leaked.some((secret) => leakOf(cell.value, secret) !== null));
    expect(columns.map((cell) => `${cell.table}.${cell.column}`)).toEqual([]);
  });

  it('the chaos error bodies full of PII reached the logs redacted', () => {
    const samples = [...toStdout.log, ...fileLog].flatMap((event) =>
      event.event_type === 'page_extraction_failed' && event.response_sample !== null
        ? [event.response_sample]
        : [],
    );
    expect(samples.some((sample) => sample.includes('[email]'))).toBe(true);
    expectNoPii('stdout', toStdout.stdout);
    expectNoPii('log file', fileText);
  });
});

describe('canary: hostile servers that echo secrets back', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ profile: 'clean', settings: { systems: 50, credentials: CANARY } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a token endpoint quoting the refresh token and the form body in its errors: exit 1, nothing leaks', async () => {
    const accounts = await startProxy(sim.url, {
      intercept: (request) => ({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: CANARY.refreshToken, error_description: request.body }),
      }),
    });
    try {
      const dirs = runDirs();
      const run = await runValidated([], obsEnv(sim, dirs, { PMP_ACCOUNTS_URL: accounts.url }));
      expect(run.code).toBe(1);
      // The proxy really saw the secrets (form body) on every attempt.
      expect(accounts.requests).toHaveLength(4);
      expect(accounts.requests[0]?.body).toContain(encodeURIComponent(CANARY.clientSecret));
      expect(ofType(run.log, 'extraction_failed')[0]?.error_message).toContain('failed 4 times');
      expectNoLeak('stdout', run.stdout, [CANARY.clientSecret, CANARY.refreshToken]);
      expectNoLeak('stderr', run.stderr, [CANARY.clientSecret, CANARY.refreshToken]);
      const cells = textCells(dirs.dbPath)
        .map((cell) => cell.value)
        .join('\n');
      expectNoLeak('database', cells, [CANARY.clientSecret, CANARY.refreshToken]);
    } finally {
      await accounts.close();
    }
  });

  describe('an API quoting the Authorization header and URL in its 500 errors', () => {
    const tokens: string[] = [];
    let dirs: RunDirs;
    let run: ValidatedRun;
    let proxies: InterceptingProxy[];

    beforeAll(async () => {
      const api = await startProxy(sim.url, {
        intercept: (request) =>
          request.url.searchParams.get('page') === '2'
            ? {
                status: 500,
                body: JSON.stringify({
                  status: 'error',
                  error_code: 'INTERNAL_ERROR',
                  error_description: `rejected ${String(request.headers.authorization)} for ${request.url.href}`,
                }),
              }
            : undefined,
      });
      const accounts = await tokenRecorder(sim.url, tokens);
      proxies = [api, accounts];
      dirs = runDirs();
      run = await runValidated(
        [],
        obsEnv(sim, dirs, { PMP_SERVER_URL: api.url, PMP_ACCOUNTS_URL: accounts.url }),
      );
    });
    afterAll(async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    });

    it('logs the failures with the token replaced by [redacted]', () => {
      expect(run.code).toBe(0);
      expect(tokens).toHaveLength(1);
      const failed = ofType(run.log, 'page_extraction_failed');
      expect(failed.length).toBeGreaterThanOrEqual(3);
      for (const event of failed) {
        expect(event.response_sample).toContain('Zoho-oauthtoken [redacted]');
        expect(event.error_message).toContain('Zoho-oauthtoken [redacted]');
      }
      expectNoLeak('stdout', run.stdout, tokens);
      expectNoLeak('stderr', run.stderr, tokens);
    });

    it('keeps the token out of the gaps table too, where the sample is kept redacted', () => {
      const [gap] = gapRows(dirs.dbPath);
      expect(gap).toMatchObject({ page_num: 2, error_type: '5xx_server_error' });
      expect(gap?.response_sample).toContain('rejected Zoho-oauthtoken [redacted] for');
      expect(gap?.error_message).toContain('rejected Zoho-oauthtoken [redacted] for');
      const cells = textCells(dirs.dbPath)
        .map((cell) => cell.value)
        .join('\n');
      expectNoLeak('database', cells, tokens);
    });
  });
});

describe('PII in error bodies (piiInErrors)', () => {
  let sim: Simulator;
  let dirs: RunDirs;
  let run: ValidatedRun;
  const html502 = { kind: 'status', status: 502, body: 'html' } as const;
  const json500 = { kind: 'status', status: 500 } as const;

  beforeAll(async () => {
    // Page 2: JSON 500 errors and page 3: HTML 502 pages, three times each (gaps); page 4: one 503.
    // Every error body carries PII_SENTENCE: an email, an IPv4 and two IPv6 addresses.
    sim = await createSimulator({
      profile: 'clean',
      settings: {
        systems: 150,
        piiInErrors: true,
        pageScripts: {
          2: [json500, json500, json500],
          3: [html502, html502, html502],
          4: [{ kind: 'status', status: 503 }],
        },
      },
    });
    dirs = runDirs();
    run = await runValidated([], obsEnv(sim, dirs, { PMP_BATCH_PAGES: '5' }));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('the simulator really sent PII', () => {
    expect(PII_SENTENCE).toContain('admin@example.com');
    expect(sim.stats().requests.filter((entry) => entry.status >= 500)).toHaveLength(7);
  });

  it('logs keep a sample (≤ 1 KB) with [email], [ipv4] and [ipv6] in place of the addresses', () => {
    expect(run.code).toBe(0);
    const failed = ofType(run.log, 'page_extraction_failed');
    expect(failed).toHaveLength(7);
    for (const event of failed) {
      expect(event.response_sample).not.toBeNull();
      expect(event.response_sample?.length).toBeLessThanOrEqual(1024);
      expect(event.response_sample).toContain('Contact [email]; request from [ipv4] via [ipv6] ([ipv6]).');
    }
    const jsonMessages = failed.filter((event) => event.http_status !== 502).map((e) => e.error_message);
    for (const message of jsonMessages) expect(message).toContain('[email]');
    expectNoPii('stdout', run.stdout);
    expect(run.stderr).toBe('');
  });

  it('the gaps table keeps both gaps with a redacted sample ≤ 1 KB', () => {
    const gaps = gapRows(dirs.dbPath);
    expect(gaps.map((gap) => [gap.page_num, gap.error_type])).toEqual([
      [2, '5xx_server_error'],
      [3, '5xx_server_error'],
    ]);
    for (const gap of gaps) {
      expect(gap.response_sample).not.toBeNull();
      expect(gap.response_sample?.length).toBeLessThanOrEqual(1024);
      expect(gap.response_sample).toContain('Contact [email]; request from [ipv4] via [ipv6] ([ipv6]).');
    }
  });

  it('the gaps table has no email or IP address in response_sample or error_message', () => {
    const text = gapRows(dirs.dbPath)
      .flatMap((gap) => [gap.response_sample ?? '', gap.error_message ?? ''])
      .join('\n');
    expectNoPii('extraction_gaps', text);
  });
});
