/**
 * Issue 5, end to end: POST_EXTRACTION_HOOK (D10) of the BUILT CLI against the simulator. The
 * metrics file has its own test, metrics-file.test.ts.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ofType } from '../support/event-schema.ts';
import { obsEnv, runDirs, runValidated, type RunDirs, type ValidatedRun } from '../support/validated-run.ts';

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/** `env` output → variables (values may contain '='). */
function parseEnvDump(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) vars.set(line.slice(0, at), line.slice(at + 1));
  }
  return vars;
}

describe('POST_EXTRACTION_HOOK', () => {
  let sim: Simulator;
  let dirs: RunDirs;
  let envFile: string;
  let first: ValidatedRun;
  let firstDump: string;
  let second: ValidatedRun;

  beforeAll(async () => {
    sim = await createSimulator({ profile: 'clean', settings: { systems: 50 } });
    dirs = runDirs();
    envFile = join(dirs.dir, 'hook-env.txt');
    const env = obsEnv(sim, dirs, {
      POST_EXTRACTION_HOOK: `env > '${envFile}'`,
      SLACK_WEBHOOK_URL: `${sim.url}/__sim/slack/T000/B000/hookcanary`,
    });
    first = await runValidated([], env);
    firstDump = readFileSync(envFile, 'utf8');
    rmSync(envFile);
    second = await runValidated([], env);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('runs after a run that changed data, with the D10 variables', () => {
    expect(first.code).toBe(0);
    const vars = parseEnvDump(firstDump);
    expect(vars.get('PMP_SNAPSHOT_ID')).toBe('1');
    expect(vars.get('PMP_COVERAGE_PCT')).toBe('100');
    expect(vars.get('PMP_TARGET_MET')).toBe('true');
    expect(vars.get('PMP_EXIT_CODE')).toBe('0');
    expect(vars.get('PMP_DB_PATH')).toBe(dirs.dbPath);
    const complete = only(ofType(first.log, 'hook_complete'));
    expect(complete).toMatchObject({ level: 'INFO', exit_code: 0 });
    // The hook runs last, after run_complete.
    expect(first.log.at(-1)?.event_type).toBe('hook_complete');
  });

  it('withholds the credentials and the webhook from the hook', () => {
    const vars = parseEnvDump(firstDump);
    for (const name of ['PMP_CLIENT_SECRET', 'PMP_REFRESH_TOKEN', 'SLACK_WEBHOOK_URL']) {
      expect(vars.has(name)).toBe(false);
    }
    expect(firstDump).not.toContain(sim.credentials.clientSecret);
    expect(firstDump).not.toContain(sim.credentials.refreshToken);
    expect(firstDump).not.toContain('hookcanary');
  });

  it('is not run when nothing changed (the target was already met)', () => {
    expect(second.code).toBe(0);
    expect(ofType(second.log, 'target_met')[0]).toMatchObject({ extracted_now: false });
    expect(existsSync(envFile)).toBe(false);
    expect(ofType(second.log, 'hook_complete')).toEqual([]);
    expect(ofType(second.log, 'hook_failed')).toEqual([]);
  });

  it('gets the exit code and coverage of a deferred run that saved pages', async () => {
    const deferSim = await createSimulator({
      profile: 'clean',
      settings: {
        systems: 100,
        pageScripts: { 3: [{ kind: 'rate_limit', retryAfter: 'seconds', retryAfterS: 600 }] },
      },
    });
    try {
      const deferDirs = runDirs();
      const file = join(deferDirs.dir, 'hook-env.txt');
      const run = await runValidated(
        [],
        obsEnv(deferSim, deferDirs, { POST_EXTRACTION_HOOK: `env > '${file}'` }),
      );
      expect(run.code).toBe(3);
      const vars = parseEnvDump(readFileSync(file, 'utf8'));
      expect(vars.get('PMP_EXIT_CODE')).toBe('3');
      expect(vars.get('PMP_TARGET_MET')).toBe('false');
      expect(vars.get('PMP_COVERAGE_PCT')).toBe('50');
      expect(vars.get('PMP_SNAPSHOT_ID')).toBe('1');
    } finally {
      await deferSim.close();
    }
  });

  it('a failing hook (exit 7) is a hook_failed WARNING with its stderr, and the exit code stays 0', async () => {
    const run = await runValidated(
      [],
      obsEnv(sim, runDirs(), { POST_EXTRACTION_HOOK: 'echo "report upload refused" >&2; exit 7' }),
    );
    expect(run.code).toBe(0);
    const failed = only(ofType(run.log, 'hook_failed'));
    expect(failed).toMatchObject({
      level: 'WARNING',
      exit_code: 7,
      timed_out: false,
      error_message: 'hook exited with 7: report upload refused',
    });
    expect(run.log.at(-1)?.event_type).toBe('hook_failed');
    expect(run.log.find((event) => event.event_type === 'run_complete')).toMatchObject({ exit_code: 0 });
    expect(run.stderr).toBe('');
  });

  it('a hook past PMP_HOOK_TIMEOUT_MS is stopped: hook_failed with timed_out, exit code unchanged', async () => {
    const started = Date.now();
    const run = await runValidated(
      [],
      obsEnv(sim, runDirs(), { POST_EXTRACTION_HOOK: 'sleep 5', PMP_HOOK_TIMEOUT_MS: '300' }),
    );
    expect(run.code).toBe(0);
    expect(only(ofType(run.log, 'hook_failed'))).toMatchObject({
      level: 'WARNING',
      timed_out: true,
      error_message: 'hook timed out after 300 ms',
    });
    // The run did not wait for the 5 s hook.
    expect(Date.now() - started).toBeLessThan(4500);
  });
});
