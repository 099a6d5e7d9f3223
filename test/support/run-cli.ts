/**
 * Runs the BUILT CLI (dist/main.js) as a child process, the way cron does, and collects its output.
 * `npm test` builds first (pretest), so end-to-end tests exercise exactly what ships.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir as makeTempDir } from './temp-dir.ts';

export const CLI_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed line by line; a line that is not JSON fails the parse (stdout must be JSON only). */
  events: Record<string, unknown>[];
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Small, fast knobs for tests: no real backoff delays, tight pacing. Override per test. */
export function fastEnv(
  simUrl: string,
  credentials: { clientId: string; clientSecret: string; refreshToken: string },
) {
  return {
    PMP_SERVER_URL: simUrl,
    PMP_ACCOUNTS_URL: simUrl,
    PMP_CLIENT_ID: credentials.clientId,
    PMP_CLIENT_SECRET: credentials.clientSecret,
    PMP_REFRESH_TOKEN: credentials.refreshToken,
    PMP_PAGE_DELAY_MS: '0',
    PMP_BACKOFF_BASE_MS: '10',
    PMP_THROTTLE_WAIT_MS: '20',
    PMP_REQUEST_TIMEOUT_MS: '2000',
  };
}

export function startCli(args: readonly string[], env: Record<string, string>): CliRun {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run npm run build (npm test does it)`);
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: env['HOME'] ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolvePromise({ code, signal, stdout, stderr, events: parseEvents(stdout) });
    });
  });
  return { child, done };
}

export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).done;
}

function parseEvents(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
      }
    });
}

export function eventsOf(result: CliResult, type: string): Record<string, unknown>[] {
  return result.events.filter((event) => event['event_type'] === type);
}

/** A fresh temp directory for one e2e test (test/support/temp-dir.ts, with the e2e prefix). */
export function tempDir(prefix = 'pmp-e2e-'): string {
  return makeTempDir(prefix);
}

/** Runs the built CLI for a command whose stdout is text for people or monitors, not JSON lines. */
export function runCliText(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: env['HOME'] ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({ code, stdout, stderr });
    });
  });
}
