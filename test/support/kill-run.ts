/**
 * kill -9 in the middle of a run, shared by the SQLite and PostgreSQL kill-and-resume tests: starts the
 * built CLI, SIGKILLs it once the simulator has seen `afterPages` scandetails requests from it plus
 * `extraMs`, and returns what the run requested and printed. What was committed is each store's to read.
 */
import { spawn } from 'node:child_process';
import type { Simulator } from '../../src/simulator/index.ts';
import { mulberry32 } from '../../src/simulator/prng.ts';
import { CLI_PATH } from './run-cli.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';

export interface KilledProcess {
  /** scandetails pages the run requested, in order. */
  pages: number[];
  /** Distinct scandetails pages the run requested before it died. */
  fetched: number[];
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stderr: string;
  /** JSON lines the run wrote (a line cut by the kill is dropped). */
  events: Record<string, unknown>[];
}

/** scandetails pages in the simulator's request log from `index` (to `end`). */
export function pagesSince(sim: Simulator, index: number, end?: number): number[] {
  return sim
    .stats()
    .requests.slice(index, end)
    .filter((entry) => entry.path === SCANDETAILS)
    .map((entry) => entry.page ?? -1);
}

export async function runAndKillCli(
  sim: Simulator,
  env: NodeJS.ProcessEnv,
  afterPages: number,
  extraMs: number,
): Promise<KilledProcess> {
  const logStart = sim.stats().requests.length;
  const child = spawn(process.execPath, [CLI_PATH], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const state = { running: true };
  void exited.then(() => (state.running = false));
  const deadline = Date.now() + 20_000;
  while (state.running && pagesSince(sim, logStart).length < afterPages && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await new Promise((resolve) => setTimeout(resolve, extraMs));
  child.kill('SIGKILL');
  const exit = await exited;
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const pages = pagesSince(sim, logStart, sim.stats().requests.length);
  return { pages, fetched: [...new Set(pages)], exit, stderr, events };
}

/**
 * The environment of the kill -9 tests: fast pacing and backoff, and tokens from a token command
 * (which the extractor's token budget does not count: 11 runs in seconds would spend Zoho's 10).
 */
export function killRunEnv(
  sim: Simulator,
  home: string,
  database: Record<string, string>,
): Record<string, string> {
  const grant = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
    refresh_token: sim.credentials.refreshToken,
  });
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    PMP_SERVER_URL: sim.url,
    PMP_ACCOUNTS_URL: sim.url,
    PMP_TOKEN_COMMAND: `curl -s -X POST '${sim.url}/oauth/v2/token?${grant.toString()}'`,
    ...database,
    PMP_BATCH_PAGES: '1000',
    PMP_PAGE_DELAY_MS: '8',
    PMP_BACKOFF_BASE_MS: '10',
    PMP_REQUEST_TIMEOUT_MS: '2000',
  };
}

/**
 * `kills` runs, each killed at a seeded moment between the 2nd and the 24th page request of the run,
 * plus 0-9 ms: before, during and right after checkpoint commits (every 10 pages).
 */
export async function killAtSeededMoments<T>(
  seed: number,
  kills: number,
  runAndKill: (afterPages: number, extraMs: number) => Promise<T>,
): Promise<T[]> {
  const random = mulberry32(seed);
  const runs: T[] = [];
  for (let i = 0; i < kills; i++) {
    const afterPages = 2 + Math.floor(random() * 23);
    const extraMs = Math.floor(random() * 10);
    runs.push(await runAndKill(afterPages, extraMs));
  }
  return runs;
}
