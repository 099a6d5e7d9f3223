/**
 * Every command of the built CLI against the real PostgreSQL server (D103, D105, D107, D108): a
 * wrong database or port is one actionable line and exit 1 that never shows the password (nor does
 * the log file or the metrics file); `check`, `raw`, `--reset`, `--status --check`, the hook's
 * variables and `demo --db-url` work on it. Trust authentication accepts any password, so a
 * password in the URL lets a working run prove it is never printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { eventsOf, fastEnv, runCli, runCliText, tempDir } from '../support/run-cli.ts';
import {
  dropSchemas,
  freshSchema,
  NO_TEST_SERVER,
  ownCredentials,
  SERVER_NOTE,
  sql,
  urlWithPassword,
} from '../support/postgres.ts';

const PASSWORD = 'Never-Pr1nt-This-Pw';

let sim: Simulator;
let dir: string;
let schema: string;
let dbUrl: string;
let env: Record<string, string>;
let hookDump: string;
let firstStdout: string;
const schemas: string[] = [];

/** `env` output → variables (values may contain '='). */
function parseEnvDump(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) vars.set(line.slice(0, at), line.slice(at + 1));
  }
  return vars;
}

describe.skipIf(NO_TEST_SERVER)(`commands on PostgreSQL ${SERVER_NOTE}`, () => {
  beforeAll(async () => {
    sim = await createSimulator({
      profile: 'clean',
      seed: 51,
      settings: { systems: 120, credentials: ownCredentials() },
    });
    dir = tempDir('pmp-e2e-pg-cmd-');
    schema = freshSchema('cmd');
    schemas.push(schema);
    dbUrl = urlWithPassword(PASSWORD);
    env = {
      ...fastEnv(sim.url, sim.credentials),
      HOME: dir,
      PMP_DB_URL: dbUrl,
      PMP_DB_SCHEMA: schema,
      POST_EXTRACTION_HOOK: `env > '${join(dir, 'hook-env.txt')}'`,
    };
    const first = await runCli([], env);
    expect(first.code, first.stderr).toBe(0);
    firstStdout = first.stdout + first.stderr;
    hookDump = readFileSync(join(dir, 'hook-env.txt'), 'utf8');
  }, 60_000);

  afterAll(async () => {
    await sim.close();
    await dropSchemas(schemas);
  });

  it('hands the hook the URL without its password and the schema, and no PMP_DB_PATH (D107)', () => {
    const vars = parseEnvDump(hookDump);
    const expected = new URL(dbUrl);
    expected.password = '';
    expect(vars.get('PMP_DB_URL')).toBe(expected.toString());
    expect(vars.get('PMP_DB_SCHEMA')).toBe(schema);
    expect(vars.has('PMP_DB_PATH')).toBe(false);
    expect(vars.get('PMP_SNAPSHOT_ID')).toBe('1');
    expect(hookDump).not.toContain(PASSWORD);
    expect(firstStdout).not.toContain(PASSWORD);
  });

  it.each([
    [
      'a database that does not exist',
      (url: URL) => (url.pathname = '/pmp_no_such_database'),
      /has no database "pmp_no_such_database"/,
    ],
    ['a port nothing listens on', (url: URL) => (url.port = '1'), /connection refused/],
  ])('%s: one actionable line, exit 1, and the password nowhere', async (_name, change, reason) => {
    const runDir = tempDir('pmp-e2e-pg-bad-');
    const logFile = join(runDir, 'pmp.log');
    const metricsFile = join(runDir, 'pmp.prom');
    const badEnv = {
      ...env,
      HOME: runDir,
      PMP_DB_URL: urlWithPassword(PASSWORD, change),
      PMP_LOG_FILE: logFile,
      PMP_METRICS_FILE: metricsFile,
    };
    const run = await runCli([], badEnv);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
    // The daily file: the run's UTC date before the extension.
    const [dayFile] = readdirSync(runDir).filter((name) => /^pmp-\d{4}-\d{2}-\d{2}\.log$/.test(name));
    const logged = readFileSync(join(runDir, dayFile ?? 'missing'), 'utf8');
    expect(logged).toMatch(/"event_type":"extraction_failed".*"error_type":"database_error"/);
    const metrics = readFileSync(metricsFile, 'utf8');
    expect(metrics).toMatch(/pmp_extractor_last_run_exit_code\{[^}]*\} 1/);
    for (const text of [run.stdout, run.stderr, logged, metrics]) expect(text).not.toContain(PASSWORD);
    // --status and check say the same, and exit 1 too.
    for (const argv of [['--status'], ['--status', '--json'], ['check']]) {
      const other = await runCliText(argv, badEnv);
      expect([other.code, other.stderr]).toEqual([1, expect.stringMatching(reason)]);
      expect(other.stdout + other.stderr).not.toContain(PASSWORD);
    }
  });

  it('check verifies the API and names the database with the password masked', async () => {
    const check = await runCliText(['check'], env);
    expect([check.code, check.stderr]).toEqual([0, '']);
    const masked = new URL(dbUrl);
    masked.password = '***';
    expect(check.stdout).toContain(`database   ${masked.toString()} (schema ${schema})`);
    expect(check.stdout).not.toContain(PASSWORD);
  });

  it('raw prints a stored record; --status --check is OK', async () => {
    const id = sim.groundTruthIds()[7] ?? '';
    const raw = await runCliText(['raw', id], { HOME: dir, PMP_DB_URL: dbUrl, PMP_DB_SCHEMA: schema });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain(`"resource_id":${id}`);
    const health = await runCliText(['--status', '--check'], {
      HOME: dir,
      PMP_DB_URL: dbUrl,
      PMP_DB_SCHEMA: schema,
    });
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(/^PMP_EXTRACTOR OK - /);
  });

  it('--status of a schema nothing was extracted into: "no extraction has run yet", nothing created', async () => {
    const empty = freshSchema('empty');
    const status = await runCliText(['--status'], { HOME: dir, PMP_DB_URL: dbUrl, PMP_DB_SCHEMA: empty });
    expect([status.code, status.stderr]).toEqual([0, '']);
    expect(status.stdout).toContain('no extraction has run yet');
    const found = await sql('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [empty]);
    expect(found).toEqual([]);
  });

  it('--reset starts snapshot 2 at page 1 and keeps snapshot 1', async () => {
    const reset = await runCli(['--reset', '--batch-pages', '2'], { ...env, POST_EXTRACTION_HOOK: '' });
    expect(reset.code).toBe(0);
    expect(eventsOf(reset, 'batch_start')).toEqual([
      expect.objectContaining({ snapshot_id: 2, start_page: 1, resumed: false }),
    ]);
    const rows = await sql<{ snapshot_id: unknown; status: string }>(
      `SELECT snapshot_id, status FROM "${schema}".snapshots ORDER BY snapshot_id`,
    );
    expect(rows.map((row) => [Number(row.snapshot_id), row.status])).toEqual([
      [1, 'success'],
      [2, 'partial'],
    ]);
  });

  it('demo --db-url extracts into the schema and hints at psql without the password (D108)', async () => {
    const demoSchema = freshSchema('demo');
    schemas.push(demoSchema);
    const demoDir = tempDir('pmp-e2e-pg-demo-');
    const run = await runCliText(['demo', '--profile', 'clean', '--db-url', dbUrl], {
      HOME: demoDir,
      PMP_DB_SCHEMA: demoSchema,
    });
    expect(run.code, run.stderr).toBe(0);
    const masked = new URL(dbUrl);
    masked.password = '***';
    expect(run.stdout).toContain(`database ${masked.toString()} (schema ${demoSchema})`);
    expect(run.stdout).toContain(`${demoSchema}.latest_system_inventory`);
    expect(run.stdout).toMatch(/snapshot +#1 \(success\)/);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    const count = await sql<{ n: unknown }>(
      `SELECT count(*) AS n FROM "${demoSchema}".latest_system_inventory`,
    );
    expect(Number(count[0]?.n)).toBeGreaterThan(0);
  }, 120_000);
});
