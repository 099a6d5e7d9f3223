/**
 * Issue 12 #5, D56: logging to a full filesystem degrades, never blocks. stdout on /dev/full (every
 * write is ENOSPC) and a log file on a full 64 KiB tmpfs: the run finishes in seconds with its normal
 * exit code, says once on stderr that lines are being dropped and how many, and the data it committed
 * is complete. sonic-boom's final flushSync used to retry ENOSPC forever, so these runs hung.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { withDb } from '../support/db.ts';
import { CLI_PATH, fastEnv, tempDir } from '../support/run-cli.ts';

const SYSTEMS = 60;
/** A hang is killed here, ms: far above a 60-system run (well under 2 s), far below "forever". */
const HANG_MS = 15_000;
let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', seed: 5, settings: { systems: SYSTEMS } });
});
afterAll(async () => {
  await sim.close();
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  elapsedMs: number;
}

/** The built CLI with stdout on `stdoutFd`; SIGKILLed if it is still running after HANG_MS. */
function runWithStdout(stdoutFd: number | 'ignore', env: Record<string, string>): Promise<Ended> {
  const startedMs = Date.now();
  const child = spawn(process.execPath, [CLI_PATH], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', stdoutFd, 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, elapsedMs: Date.now() - startedMs });
    });
  });
}

function runEnv(): { env: Record<string, string>; dbPath: string } {
  const home = tempDir('pmp-e2e-full-');
  const dbPath = join(home, 'pmp.db');
  return { env: { ...fastEnv(sim.url, sim.credentials), HOME: home, PMP_DB_PATH: dbPath }, dbPath };
}

function expectCompleteSnapshot(dbPath: string): void {
  withDb(dbPath, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT status FROM snapshots').pluck().all()).toEqual(['success']);
    const ids = db.prepare('SELECT resource_id FROM systems').pluck().all() as string[];
    expect(ids.sort()).toEqual(sim.groundTruthIds().sort());
  });
}

describe.skipIf(!existsSync('/dev/full'))('stdout on a full device (/dev/full)', () => {
  it('finishes with exit 0, warns on stderr with the count, and commits every system', async () => {
    const { env, dbPath } = runEnv();
    const full = openSync('/dev/full', 'w');
    const ended = await runWithStdout(full, env);
    closeSync(full);
    expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual({ code: 0, signal: null });
    expect(ended.elapsedMs).toBeLessThan(HANG_MS);
    const lines = ended.stderr.split('\n').filter((line) => line !== '');
    expect(lines[0]).toBe(
      'pmp-extractor: cannot write log lines to stdout (ENOSPC); dropping them and going on',
    );
    expect(lines.at(-1)).toMatch(/^pmp-extractor: \d+ log lines could not be written to stdout \(ENOSPC\)$/);
    expectCompleteSnapshot(dbPath);
  });
});

/** A 64 KiB tmpfs, filled to the last byte; null when this process may not mount (not root, a sandbox). */
function mountFullTmpfs(): { dir: string; unmount(): void } | null {
  const dir = join(tmpdir(), `pmp-e2e-tmpfs-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status !== 0) {
    rmdirSync(dir);
    return null;
  }
  const filler = openSync(join(dir, 'filler'), 'w');
  try {
    for (;;) writeSync(filler, Buffer.alloc(4096, 120));
  } catch {
    // ENOSPC: the filesystem is full.
  } finally {
    closeSync(filler);
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir], { stdio: 'ignore' });
      rmdirSync(dir);
    },
  };
}

const tmpfs = mountFullTmpfs();
afterAll(() => tmpfs?.unmount());

// Skipped with a reason when mount(8) is not permitted here: only root (or CAP_SYS_ADMIN) may mount.
describe.skipIf(tmpfs === null)(
  'the log file on a full filesystem (a full 64 KiB tmpfs; needs mount)',
  () => {
    it('finishes with exit 0, warns on stderr with the count, and commits every system', async () => {
      const { env, dbPath } = runEnv();
      const logFile = join(tmpfs?.dir ?? '', 'pmp.log');
      const ended = await runWithStdout('ignore', { ...env, PMP_LOG_FILE: logFile });
      expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual({ code: 0, signal: null });
      expect(ended.elapsedMs).toBeLessThan(HANG_MS);
      expect(ended.stderr).toContain(`pmp-extractor: cannot write log lines to ${tmpfs?.dir ?? ''}/pmp-`);
      expect(ended.stderr).toMatch(/\d+ log lines could not be written to .*\(ENOSPC\)/);
      expectCompleteSnapshot(dbPath);
    });
  },
);
