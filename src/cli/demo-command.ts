/**
 * `pmp-extractor demo` (npm run demo): the bundled simulator plus a full extraction against it, no
 * credentials needed. It runs the real extraction path with knobs scaled down so the fault
 * scenarios (timeouts, 503 bursts, corrupt pages, gaps and their sweep) play out in seconds.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExitCode } from './exit-codes.ts';
import { runExtractCommand } from './extract-command.ts';
import type { ProcessIO, SimulatorFactory } from '../app/index.ts';
import type { CliOverrides } from '../config/index.ts';
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
  options: { flags: CliOverrides; profile: string; seed: number },
): Promise<ExitCode> {
  const demoDir = join(io.cwd, 'pmp-demo');
  const ownDb = options.flags.dbPath === undefined;
  const dbPath = options.flags.dbPath ?? join(demoDir, 'pmp_demo.db');
  const logFile = options.flags.logFile ?? join(demoDir, 'pmp-extractor.log');
  // ./pmp-demo/ only when the demo keeps its own database or log there.
  if (ownDb || options.flags.logFile === undefined) mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  // A fresh simulator has a fresh token budget; so does the demo's own database.
  if (ownDb) for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  const sim = await simulator({ profile: options.profile, seed: options.seed, port: 0 });
  try {
    const env: Record<string, string | undefined> = { ...DEMO_ENV, ...io.env };
    for (const name of CREDENTIAL_VARIABLES) env[name] = undefined;
    Object.assign(env, {
      PMP_SERVER_URL: sim.url,
      PMP_ACCOUNTS_URL: sim.url,
      PMP_CLIENT_ID: sim.credentials.clientId,
      PMP_CLIENT_SECRET: sim.credentials.clientSecret,
      PMP_REFRESH_TOKEN: sim.credentials.refreshToken,
    });
    io.stdout.write(
      `Demo: simulator "${options.profile}" (seed ${options.seed}) at ${sim.url}\n` +
        `      database ${dbPath}\n      JSON log ${logFile} (one file per day)\n      extracting until complete...\n\n`,
    );
    const demoIo: ProcessIO = { ...io, env, stdout: { write: () => true }, stdoutFd: null };
    const code = await runExtractCommand(
      demoIo,
      { ...options.flags, dbPath, logFile, untilComplete: true },
      true,
    );
    await runStatusCommand({ ...io, env }, { dbPath }, { json: false });
    const db = shellQuote(dbPath);
    io.stdout.write(
      `\nExit code ${code} (0 = success). Status again: pmp-extractor --status --db ${db}\n` +
        `Query it: sqlite3 ${db} 'select count(*) from latest_system_inventory'\n`,
    );
    return code;
  } finally {
    await sim.close();
  }
}

/** A path as one shell word: as is when it is plain, else single-quoted. */
function shellQuote(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
