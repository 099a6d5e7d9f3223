/**
 * Issue 3 / D3, end to end: no access token, refresh token, client secret (or Slack webhook secret)
 * appears in any output. Unique canary values are planted as the simulator's credentials, the CLI is
 * run through the paths most likely to leak (auth failures and refreshes, error bodies stored as gap
 * samples, rejected credentials, a token command, a bad configuration, --status, a log file), and
 * every byte it produced is searched: stdout, stderr, the log file, Slack posts, every text value of
 * every table, and the raw database files.
 *
 * The access tokens the simulator minted are recovered from a twin simulator: the same seed mints the
 * same tokens in the same order (documented in SimulatorOptions.seed); each recovered token is then
 * checked against the original simulator, which must recognise it as the N-th token it issued.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Fault, type SimSettings, type Simulator } from '../../src/simulator/index.ts';
import { fetchPage, getToken } from '../support/simulator-kit.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import {
  clientEnv,
  removeTempDirs,
  runDirs,
  scratchDir,
  withDb,
  withoutTrio,
} from '../support/recording-proxy.ts';

const SEED = 7;
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

const canary = {
  clientSecret: `CANARYSECRET${hex(12)}`,
  refreshToken: `1000.CANARYREFRESH${hex(12)}.${hex(16)}`,
  wrongRefreshToken: `1000.CANARYWRONGREFRESH${hex(12)}.${hex(16)}`,
  wrongSecret: `CANARYWRONGSECRET${hex(12)}`,
  slackPath: `CANARYSLACK${hex(12)}`,
  urlPassword: `CANARYURLPASS${hex(12)}`,
};

const SETTINGS: Partial<SimSettings> = {
  systems: 8 * 25,
  credentials: {
    clientId: '1000.CANARYCLIENTIDNOTSECRET',
    clientSecret: canary.clientSecret,
    refreshToken: canary.refreshToken,
  },
  // Short tokens and paced pages: the first run refreshes proactively as well as after a 401.
  tokenExpiresInS: 1,
  maxTokenRequestsPerWindow: 1000,
  maxLiveTokens: 1000,
  piiInErrors: true,
  pageScripts: {
    2: [{ kind: 'auth_error' }],
    3: [{ kind: 'html_corrupt' }, { kind: 'html_corrupt' }, { kind: 'html_corrupt' }],
    4: [{ kind: 'status', status: 500 }],
    5: [{ kind: 'status', status: 404 }],
    6: [{ kind: 'json_parse' } satisfies Fault],
  },
};

interface LabelledRun {
  label: string;
  result: CliResult;
}

interface Outputs {
  runs: LabelledRun[];
  logFiles: string[];
  dbPaths: string[];
  commandTokensFile: string;
}

let sim: Simulator;
let outputs: Outputs;
let accessTokens: string[];

/** Every string value of every column of every table (and the schema), by actual storage type. */
function textValuesOf(dbPath: string): string[] {
  return withDb(dbPath, (db) => {
    const values: string[] = [];
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
      sql: string;
    }[];
    for (const table of tables) {
      values.push(table.sql);
      const rows = db.prepare(`SELECT * FROM "${table.name}"`).raw().all() as unknown[][];
      for (const row of rows) {
        for (const value of row) {
          if (typeof value === 'string') values.push(value);
          else if (Buffer.isBuffer(value)) values.push(value.toString('latin1'));
        }
      }
    }
    return values;
  });
}

/** The database and every file beside it named after it (-wal, -shm, the run lock), as bytes. */
function rawDbFiles(dbPath: string): string[] {
  const dir = dirname(dbPath);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.startsWith(basename(dbPath)))
    .map((entry) => readFileSync(join(dir, entry.name)).toString('latin1'));
}

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', seed: SEED, settings: SETTINGS });
  const runs: LabelledRun[] = [];
  const main = runDirs();
  const logFile = join(scratchDir('pmp-client-log-'), 'pmp.log');
  const slackUrl = `${sim.url}/__sim/slack/T000/B000/${canary.slackPath}`;
  const env = clientEnv(sim, main, { PMP_LOG_LEVEL: 'debug', SLACK_WEBHOOK_URL: slackUrl });
  const run = async (label: string, args: string[], runEnv: Record<string, string>): Promise<void> => {
    runs.push({ label, result: await runCli(args, runEnv) });
  };

  // Faults, a 401 refresh, proactive refreshes, gap samples with PII; then a resume that sweeps gaps.
  await run('faulty batch', ['--batch-pages', '6'], { ...env, PMP_PAGE_DELAY_MS: '150' });
  await run('resume to the end, logging to a file', ['--log-file', logFile], env);
  await run('status', ['--status', '--json'], env);

  // Rejected credentials: the wrong values are secrets too.
  const rejected = runDirs();
  await run('invalid_code', [], clientEnv(sim, rejected, { PMP_REFRESH_TOKEN: canary.wrongRefreshToken }));
  await run('invalid_client', [], clientEnv(sim, rejected, { PMP_CLIENT_SECRET: canary.wrongSecret }));

  // A bad configuration while every secret is set.
  const badConfig = runDirs();
  await run(
    'bad config',
    [],
    clientEnv(sim, badConfig, {
      PMP_BATCH_PAGES: 'abc',
      PMP_SERVER_URL: `http://pmp:${canary.urlPassword}@127.0.0.1:1`,
      SLACK_WEBHOOK_URL: slackUrl,
    }),
  );

  // A token command; it also records what it printed, so those tokens are canaries as well.
  const commandDirs = runDirs();
  const scratch = scratchDir('pmp-client-cmd-');
  const commandTokensFile = join(scratch, 'printed-tokens.txt');
  const script = join(scratch, 'mint-token.mjs');
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
    refresh_token: sim.credentials.refreshToken,
  }).toString();
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';
const answer = await fetch(${JSON.stringify(`${sim.url}/oauth/v2/token`)}, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: ${JSON.stringify(form)},
});
const body = await answer.json();
appendFileSync(${JSON.stringify(commandTokensFile)}, body.access_token + '\\n');
process.stdout.write(JSON.stringify({ access_token: body.access_token, expires_in: body.expires_in }));
process.stderr.write('debug: minted ' + body.access_token + '\\n');
`,
  );
  await run('token command', ['--batch-pages', '8'], {
    ...withoutTrio(clientEnv(sim, commandDirs, { PMP_LOG_LEVEL: 'debug' })),
    PMP_TOKEN_COMMAND: `"${process.execPath}" "${script}"`,
  });

  outputs = {
    runs,
    logFiles: [logFile],
    dbPaths: [main.dbPath, rejected.dbPath, commandDirs.dbPath],
    commandTokensFile,
  };

  // Recover every access token the simulator issued, from a twin with the same seed.
  const issued = sim.stats().tokenRequests.filter((entry) => entry.outcome === 'issued').length;
  const twin = await createSimulator({ profile: 'clean', seed: SEED, settings: SETTINGS });
  try {
    accessTokens = [];
    for (let i = 0; i < issued; i += 1) accessTokens.push(await getToken(twin));
  } finally {
    await twin.close();
  }
});

afterAll(async () => {
  await sim.close();
  removeTempDirs();
});

describe('canary secrets never leave the process', () => {
  it('the runs took the leak-prone paths they were meant to', () => {
    const byLabel = Object.fromEntries(outputs.runs.map(({ label, result }) => [label, result]));
    expect(byLabel['faulty batch']?.code).toBe(0);
    expect(byLabel['resume to the end, logging to a file']?.code).toBe(0);
    expect(byLabel['status']?.code).toBe(0);
    expect(byLabel['invalid_code']?.code).toBe(1);
    expect(byLabel['invalid_client']?.code).toBe(1);
    expect(byLabel['bad config']?.code).toBe(1);
    expect(byLabel['token command']?.code).toBe(0);
    const stdout = outputs.runs.map(({ result }) => result.stdout).join('\n');
    for (const reason of ['batch_start', 'proactive', '401']) {
      expect(stdout).toContain(`"reason":"${reason}"`);
    }
    expect(sim.stats().slackMessages.length).toBeGreaterThan(0);
    // A gap sample with the error page was stored (and later swept), so the DB scan has text to search.
    const samples = withDb(outputs.dbPaths[0] ?? '', (db) =>
      db.prepare('SELECT response_sample FROM extraction_gaps WHERE response_sample IS NOT NULL').all(),
    );
    expect(samples.length).toBeGreaterThan(0);
  });

  it('the recovered access tokens are the ones the simulator issued (it names each as its N-th token)', async () => {
    expect(accessTokens.length).toBeGreaterThanOrEqual(4);
    const printed = readFileSync(outputs.commandTokensFile, 'utf8').trim().split('\n');
    expect(printed.every((token) => accessTokens.includes(token))).toBe(true);
    const before = sim.stats().requests.length;
    for (const token of accessTokens) await fetchPage(sim, token, { page: 1 });
    const seen = sim
      .stats()
      .requests.slice(before)
      .map((entry) => entry.tokenId);
    expect(seen).toEqual(accessTokens.map((_, index) => `tok-${index + 1}`));
  });

  it('no canary appears in stdout, stderr, the log file or Slack posts of any run', () => {
    const secrets = [...Object.values(canary), ...accessTokens];
    const texts = [
      ...outputs.runs.flatMap(({ result }) => [result.stdout, result.stderr]),
      ...outputs.logFiles.filter((path) => existsSync(path)).map((path) => readFileSync(path, 'utf8')),
      ...sim.stats().slackMessages.map((message) => JSON.stringify(message.body)),
    ];
    expect(texts.join('').length).toBeGreaterThan(10_000);
    for (const secret of secrets) {
      const leaks = texts.filter((text) => text.includes(secret));
      expect(leaks, `leaked ${secret.slice(0, 18)}…`).toEqual([]);
    }
  });

  it('no canary appears in any text value of any table, nor anywhere in the raw database files', () => {
    const secrets = [...Object.values(canary), ...accessTokens];
    const values = outputs.dbPaths.filter((path) => existsSync(path)).flatMap(textValuesOf);
    const raw = outputs.dbPaths.filter((path) => existsSync(path)).flatMap(rawDbFiles);
    // The scans do see what was stored: the error page kept as a gap sample, and the ids.
    expect(values).toContain('<html><body>Internal Server Error</body></html>');
    const someId = sim.stats().groundTruthIds[0] ?? 'none';
    expect(raw.some((bytes) => bytes.includes(someId))).toBe(true);
    for (const secret of secrets) {
      expect(values.filter((value) => value.includes(secret))).toEqual([]);
      expect(
        raw.some((bytes) => bytes.includes(secret)),
        `raw leak of ${secret.slice(0, 18)}…`,
      ).toBe(false);
    }
  });
});
