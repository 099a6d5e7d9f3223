/**
 * `pmp-extractor demo` (npm run demo): the bundled simulator plus a full extraction against it, no
 * credentials needed. It runs the real extraction path with knobs scaled down so the fault
 * scenarios (timeouts, 503 bursts, corrupt pages, gaps and their sweep) play out in seconds.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runExtractCommand } from './extract-command.ts';
import type { ProcessIO, SimulatorFactory } from '../app/index.ts';
import {
  type CliOverrides,
  databaseLabel,
  databaseLocation,
  type DatabaseLocation,
  dbUrlWithoutPassword,
  loadConfig,
} from '../config/index.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { parsePageCap } from './page-cap.ts';
import { runStatusCommand } from './status-command.ts';

/** Demo pacing and retry knobs (ms): small, so the whole demo takes well under a minute. */
const DEMO_ENV = {
  PMP_PAGE_DELAY_MS: '10',
  PMP_BACKOFF_BASE_MS: '100',
  PMP_THROTTLE_WAIT_MS: '500',
  PMP_REQUEST_TIMEOUT_MS: '2000',
} as const;

/** Credential sources the demo must not pick up from the caller's environment. */
const CREDENTIAL_VARIABLES = [
  'PMP_CLIENT_ID',
  'PMP_CLIENT_SECRET',
  'PMP_REFRESH_TOKEN',
  'PMP_CREDENTIALS_FILE',
  'PMP_TOKEN_COMMAND',
];

export async function runDemoCommand(
  io: ProcessIO,
  simulator: SimulatorFactory,
  options: { flags: CliOverrides; profile: string; seed: number; pageCap?: string },
): Promise<ExitCode> {
  const pageLimitCap = options.pageCap === undefined ? undefined : parsePageCap(options.pageCap);
  if (pageLimitCap === null) {
    io.stderr.write(
      `demo: --page-cap must be a page size, optionally :echo, :silent or :hang (got "${options.pageCap ?? ''}")\n`,
    );
    return EXIT.fatal;
  }
  const demoDir = join(io.cwd, 'pmp-demo');
  // D108: `demo --db-url` extracts into PostgreSQL; otherwise into SQLite, the demo's own file by
  // default. The caller's PMP_DB_URL / PMP_DB_PATH never choose for it (flags do).
  const dbUrl = options.flags.dbUrl;
  const ownDb = dbUrl === undefined && options.flags.dbPath === undefined;
  const dbFlags: CliOverrides =
    dbUrl === undefined ? { dbPath: options.flags.dbPath ?? join(demoDir, 'pmp_demo.db') } : { dbUrl };
  const dbPath = dbFlags.dbPath;
  const logFile = options.flags.logFile ?? join(demoDir, 'pmp-extractor.log');
  // ./pmp-demo/ only when the demo keeps its own database or log there.
  if (ownDb || options.flags.logFile === undefined) mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  // A fresh simulator has a fresh token budget; so does the demo's own database.
  if (ownDb && dbPath !== undefined) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  }
  const where = { profile: options.profile, seed: options.seed, port: 0 };
  const sim = await simulator(pageLimitCap === undefined ? where : { ...where, pageLimitCap });
  try {
    const env: Record<string, string | undefined> = { ...DEMO_ENV, ...io.env };
    for (const name of [...CREDENTIAL_VARIABLES, 'PMP_DB_URL', 'PMP_DB_PATH']) env[name] = undefined;
    Object.assign(env, {
      PMP_SERVER_URL: sim.url,
      PMP_ACCOUNTS_URL: sim.url,
      PMP_CLIENT_ID: sim.credentials.clientId,
      PMP_CLIENT_SECRET: sim.credentials.clientSecret,
      PMP_REFRESH_TOKEN: sim.credentials.refreshToken,
    });
    const location = locate(env, { ...options.flags, ...dbFlags }, io.homeDir);
    const label = location === null ? 'as configured' : databaseLabel(location);
    io.stdout.write(
      `Demo: simulator "${options.profile}" (seed ${options.seed}) at ${sim.url}\n` +
        `      database ${label}\n      JSON log ${logFile} (one file per day)\n      extracting until complete...\n\n`,
    );
    const demoIo: ProcessIO = { ...io, env, stdout: { write: () => true }, stdoutFd: null };
    const code = await runExtractCommand(
      demoIo,
      { ...options.flags, ...dbFlags, logFile, untilComplete: true },
      true,
    );
    const account = options.flags.account === undefined ? {} : { account: options.flags.account };
    await runStatusCommand({ ...io, env }, { ...dbFlags, ...account }, { json: false });
    io.stdout.write(`\nExit code ${code} (0 = success). ${nextSteps(location)}`);
    return code;
  } finally {
    await sim.close();
  }
}

/** Where the demo's run stores its data; null for a configuration the run itself reports as invalid. */
function locate(
  env: Readonly<Record<string, string | undefined>>,
  flags: CliOverrides,
  homeDir: string,
): DatabaseLocation | null {
  try {
    return databaseLocation(loadConfig(env, flags, homeDir));
  } catch {
    return null;
  }
}

/** How to look again; never with the database password (psql asks for it, or reads PGPASSWORD). */
function nextSteps(location: DatabaseLocation | null): string {
  if (location === null) return '\n';
  if (location.kind === 'sqlite') {
    const db = shellQuote(location.path);
    return (
      `Status again: pmp-extractor --status --db ${db}\n` +
      `Query it: sqlite3 ${db} 'select count(*) from latest_system_inventory'\n`
    );
  }
  return (
    'Status again: pmp-extractor --status --db-url <the same URL>\n' +
    `Query it: psql ${shellQuote(dbUrlWithoutPassword(location.url))} -c ` +
    `'select count(*) from ${location.schema}.latest_system_inventory'\n`
  );
}

/** A path as one shell word: as is when it is plain, else single-quoted. */
function shellQuote(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
