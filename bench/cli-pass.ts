/**
 * One full extraction pass of the BUILT CLI (dist/main.js, a child process) against an in-process
 * simulator, measured against the floor that the API's pacing imposes.
 *
 * Floor: the extractor sends one request at a time and request starts must be ≥ d = PMP_PAGE_DELAY_MS
 * apart, so R requests with a latency of L each cannot take less than ·max(d, L) + L. Each failed
 * attempt that is retried adds what the configuration forces: the attempt's own duration (L, or the
 * request timeout for a timeout) plus the backoff delay, beyond the max(d, L) already counted.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulator, type ProfileName, type SimSettings } from '../src/simulator/index.ts';
import { sqliteFileBytes } from '../test/support/db.ts';
import { measureChild } from './measure-child.ts';

const CLI_PATH = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist/main.js');
const SCANDETAILS_PATH = '/api/1.4/patch/scandetails';

export interface PassConfig {
  name: string;
  profile: ProfileName;
  /** PMP_PAGE_DELAY_MS. */
  delayMs: number;
  /** Simulator latency per API request, ms (fixed: [L, L]). */
  latencyMs: number;
  /** PMP_BATCH_PAGES; default 1000 (the whole pass and its gap sweep in one run). */
  batchPages?: number;
  /** Extra extractor env (timeouts, backoff). */
  env?: Record<string, string>;
  simSettings?: Partial<SimSettings>;
  /** Where the pass stores its data; default a fresh SQLite file (PMP_DB_PATH). */
  database?: PassDatabase;
  /**
   * `node` runs `node dist/main.js`; `bin` runs the bin as an installed package does: a symlink in a
   * node_modules/.bin folder, started through its `#!/usr/bin/env node` shebang. Default `node`.
   */
  invocation?: 'node' | 'bin';
}

/** A database other than the default SQLite file: its variables, and its size once the pass is done. */
export interface PassDatabase {
  env: Record<string, string>;
  sizeBytes(): Promise<number>;
}

export interface PassResult {
  config: PassConfig;
  exitCode: number | null;
  wallMs: number;
  /** First scandetails request arrival → last one's arrival + L, as the simulator saw it. */
  apiSpanMs: number;
  /** Distinct pages fetched successfully at least once. */
  pages: number;
  /** scandetails requests, retries included. */
  requests: number;
  failedAttempts: number;
  /** Failed attempts per error_type, e.g. { network_timeout: 2 }. */
  failuresByType: Record<string, number>;
  /** Pages that exhausted their attempts (gaps), and gaps the sweep recovered. */
  pagesSkipped: number;
  gapsRecovered: number;
  systems: number;
  totalSystems: number | null;
  floorMs: number;
  /** Part of the floor caused by retried attempts (timeouts and backoff delays). */
  retryFloorMs: number;
  /** Smallest gap between consecutive scandetails request arrivals at the simulator (pacing check). */
  minGapMs: number | null;
  /** Arrival gaps shorter than 0.9 × d (scheduling jitter, or pacing undercut). */
  shortGaps: number;
  peakRssKb: number | null;
  cpuMs: number | null;
  /** Bytes the child wrote to storage (see measure-child.ts), null without GNU time. */
  writeBytes: number | null;
  rssMethod: string;
  dbBytes: number;
}

interface RunEvent {
  event_type?: unknown;
  error_type?: unknown;
  action?: unknown;
  delay_ms?: unknown;
  systems_extracted?: unknown;
  total_systems?: unknown;
}

function parseEvents(stdout: string): RunEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunEvent);
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export async function runPass(config: PassConfig): Promise<PassResult> {
  const sim = await createSimulator({
    profile: config.profile,
    seed: 1,
    settings: { latencyMs: [config.latencyMs, config.latencyMs], ...config.simSettings },
  });
  const home = mkdtempSync(join(tmpdir(), 'pmp-bench-'));
  const dbPath = join(home, 'pmp.db');
  const requestTimeoutMs = 5000;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    ...(config.database?.env ?? { PMP_DB_PATH: dbPath }),
    PMP_SERVER_URL: sim.url,
    PMP_ACCOUNTS_URL: sim.url,
    PMP_CLIENT_ID: sim.credentials.clientId,
    PMP_CLIENT_SECRET: sim.credentials.clientSecret,
    PMP_REFRESH_TOKEN: sim.credentials.refreshToken,
    PMP_BATCH_PAGES: String(config.batchPages ?? 1000),
    PMP_PAGE_DELAY_MS: String(config.delayMs),
    PMP_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    ...config.env,
  };
  try {
    let measured;
    if (config.invocation === 'bin') {
      const binDir = join(home, 'node_modules', '.bin');
      mkdirSync(binDir, { recursive: true });
      const bin = join(binDir, 'pmp-extractor');
      symlinkSync(CLI_PATH, bin);
      // npm makes a bin's target executable when it installs the package; tsc does not.
      chmodSync(CLI_PATH, 0o755);
      // The shebang's `env node` must find this node first.
      env['PATH'] = `${dirname(process.execPath)}:${env['PATH'] ?? ''}`;
      measured = await measureChild(bin, [], env);
    } else {
      measured = await measureChild(process.execPath, [CLI_PATH], env);
    }
    if (measured.code !== 0) {
      throw new Error(
        `${config.name}: the CLI exited ${String(measured.code)}:\n${measured.stderr}\n${measured.stdout.slice(-2000)}`,
      );
    }
    const events = parseEvents(measured.stdout);
    const complete = events.filter((event) => event.event_type === 'batch_complete').at(-1);
    const failures = events.filter((event) => event.event_type === 'page_extraction_failed');

    const stats = sim.stats();
    const pageRequests = stats.requests.filter((entry) => entry.path === SCANDETAILS_PATH);
    const okPages = new Set(
      pageRequests.filter((entry) => entry.status === 200 && entry.fault === null).map((entry) => entry.page),
    );
    const starts = pageRequests.map((entry) => entry.timeMs);
    const gaps = starts.slice(1).map((time, index) => time - (starts[index] ?? time));
    const first = starts[0] ?? 0;
    const last = starts.at(-1) ?? 0;

    const latency = config.latencyMs;
    const slot = Math.max(config.delayMs, latency);
    const timeoutMs = Number(env['PMP_REQUEST_TIMEOUT_MS']);
    const retryFloorMs = failures
      .filter((event) => event.action === 'retry')
      .reduce((sum, event) => {
        const attemptMs = event.error_type === 'network_timeout' ? timeoutMs : latency;
        const delay = typeof event.delay_ms === 'number' ? event.delay_ms : 0;
        return sum + Math.max(0, attemptMs + delay - slot);
      }, 0);
    const floorMs = Math.max(0, pageRequests.length - 1) * slot + latency + retryFloorMs;

    const dbBytes =
      config.database === undefined ? sqliteFileBytes(dbPath) : await config.database.sizeBytes();
    return {
      config,
      exitCode: measured.code,
      wallMs: measured.wallMs,
      apiSpanMs: last - first + latency,
      pages: okPages.size,
      requests: pageRequests.length,
      failedAttempts: failures.length,
      failuresByType: countBy(failures.map((event) => String(event.error_type))),
      pagesSkipped: events.filter((event) => event.event_type === 'page_skipped').length,
      gapsRecovered: events.filter((event) => event.event_type === 'gap_recovered').length,
      systems: typeof complete?.systems_extracted === 'number' ? complete.systems_extracted : 0,
      totalSystems: typeof complete?.total_systems === 'number' ? complete.total_systems : null,
      floorMs,
      retryFloorMs,
      minGapMs: gaps.length === 0 ? null : Math.min(...gaps),
      shortGaps: gaps.filter((gap) => gap < 0.9 * config.delayMs).length,
      peakRssKb: measured.peakRssKb,
      cpuMs: measured.cpuMs,
      writeBytes: measured.writeBytes,
      rssMethod: measured.rssMethod,
      dbBytes,
    };
  } finally {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}
