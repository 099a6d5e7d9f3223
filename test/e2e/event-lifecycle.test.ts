/**
 * Issue 5, end to end: each event of the closed set (D8) is emitted by the BUILT CLI, in a real run
 * against the simulator, in the situation it describes and with its documented fields. Every line of
 * every run here is validated against the schema (test/support/event-schema.ts): a seed-like
 * lifecycle, a failing run and a deferred run at DEBUG level. Drift, corruption, coverage drops and
 * rejected records are shown in event-edge-cases.test.ts, the Slack events in
 * slack-notifications.test.ts, the hook events in hook-and-metrics.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { PACKAGE_VERSION } from '../../src/version.ts';
import { EVENT_TYPES, ofType, typesSeen } from '../support/event-schema.ts';
import type { EventType } from '../../src/platform/index.ts';
import {
  obsEnv,
  only,
  runDirs,
  runValidated,
  withDb,
  type RunDirs,
  type ValidatedRun,
} from '../support/validated-run.ts';

/** Every event type these tests saw, checked against the closed set by the last test. */
const seen = new Set<EventType>();
function remember(run: ValidatedRun): ValidatedRun {
  for (const type of typesSeen(run.log)) seen.add(type);
  return run;
}

/** A coverage percentage: one decimal, within 0.1 of the exact value (the rounding mode is not ours). */
function expectPctOf(pct: number, systems: number, total: number): void {
  expect(Math.abs(pct - (100 * systems) / total)).toBeLessThan(0.1);
  expect(pct).toBeCloseTo(Math.round(pct * 10) / 10, 9);
}

const fail500 = { kind: 'status', status: 500 } as const;

describe('a three-run extraction logs its whole lifecycle', () => {
  // 300 systems = 12 pages of 25; batches of 10 pages. Page 2: one 503 (retried). Page 4: three
  // 500s (a gap, swept in run 2). Page 8: an auth error (refresh + replay). A 1 s token lifetime with
  // 100 ms page spacing forces a proactive refresh during run 1.
  let sim: Simulator;
  let dirs: RunDirs;
  const runs: ValidatedRun[] = [];

  beforeAll(async () => {
    sim = await createSimulator({
      profile: 'clean',
      settings: {
        systems: 300,
        tokenExpiresInS: 1,
        pageScripts: {
          2: [{ kind: 'status', status: 503 }],
          4: [fail500, fail500, fail500],
          8: [{ kind: 'auth_error' }],
        },
      },
    });
    dirs = runDirs();
    const env = obsEnv(sim, dirs, { PMP_BATCH_PAGES: '10' });
    runs.push(remember(await runValidated([], { ...env, PMP_PAGE_DELAY_MS: '100' })));
    runs.push(remember(await runValidated([], env)));
    runs.push(remember(await runValidated([], env)));
  });
  afterAll(async () => {
    await sim.close();
  });

  const run = (index: number): ValidatedRun => runs[index] as ValidatedRun;

  it('exits 0 three times, with JSON only on stdout and nothing on stderr', () => {
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs.map((r) => r.stderr)).toEqual(['', '', '']);
    // Slack is off by default: no SLACK_WEBHOOK_URL, no warning and no post.
    expect(runs.flatMap((r) => ofType(r.log, 'slack_disabled'))).toEqual([]);
    expect(sim.stats().slackMessages).toEqual([]);
    // Every line passed the strict schema (runValidated); the logs are not trivially short.
    expect(run(0).log.length).toBeGreaterThan(20);
  });

  it('run_start opens every run with the command, database, batch size, target and version', () => {
    for (const r of runs) {
      expect(r.log[0]).toMatchObject({
        event_type: 'run_start',
        level: 'INFO',
        command: 'extract',
        db_path: dirs.dbPath,
        batch_pages: 10,
        target_pct: 95,
        version: PACKAGE_VERSION,
      });
      expect(r.log[0]).not.toHaveProperty('snapshot_id');
    }
  });

  it('batch_start: a new pass at page 1, then a resumed one at page 11', () => {
    expect(only(ofType(run(0).log, 'batch_start'))).toMatchObject({
      level: 'INFO',
      snapshot_id: 1,
      start_page: 1,
      batch_pages: 10,
      target_pct: 95,
      resumed: false,
      snapshot_status: 'partial',
    });
    expect(only(ofType(run(1).log, 'batch_start'))).toMatchObject({
      snapshot_id: 1,
      start_page: 11,
      resumed: true,
    });
    expect(ofType(run(2).log, 'batch_start')).toEqual([]);
  });

  it('extraction_progress goes out on every page with page, systems, totals, %, errors and ETA', () => {
    const progress = ofType(run(0).log, 'extraction_progress');
    // The gap page 4 is reported too: progress is per page, not per successful page.
    expect(progress.map((event) => event.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(progress.map((event) => event.systems_extracted)).toEqual([
      25, 50, 75, 75, 100, 125, 150, 175, 200, 225,
    ]);
    for (const event of progress) {
      expect(event).toMatchObject({ level: 'INFO', snapshot_id: 1, total_pages: 12, total_systems: 300 });
      expectPctOf(event.progress_pct, event.systems_extracted, 300);
      expect(event.eta_minutes).not.toBeNull();
    }
    // errors_total counts attempts that failed (the 401 replay spends no attempt, D3).
    const spent = ofType(run(0).log, 'page_extraction_failed').filter((e) => e.action !== 'refresh_token');
    expect(progress.map((event) => event.errors_total)).toEqual([0, 1, 1, 4, 4, 4, 4, 4, 4, 4]);
    expect(spent).toHaveLength(4);
    // Run 2: the last two pages, then the swept gap page 4, which completes the inventory.
    const second = ofType(run(1).log, 'extraction_progress');
    expect(second.map((event) => [event.page, event.systems_extracted])).toEqual([
      [11, 250],
      [12, 275],
      [4, 300],
    ]);
    for (const event of second) expectPctOf(event.progress_pct, event.systems_extracted, 300);
    // Progress and the batch summary agree on coverage.
    expect(second.at(-1)?.progress_pct).toBe(ofType(run(1).log, 'batch_complete')[0]?.coverage_pct);
    expect(second[1]?.eta_minutes).toBe(0);
  });

  it('page_extraction_failed on every failed attempt: status, message, attempt, sample, action', () => {
    const failed = ofType(run(0).log, 'page_extraction_failed');
    expect(failed.map((e) => [e.page, e.attempt, e.http_status, e.error_type, e.action, e.level])).toEqual([
      [2, 1, 503, '5xx_server_error', 'retry', 'WARNING'],
      [4, 1, 500, '5xx_server_error', 'retry', 'WARNING'],
      [4, 2, 500, '5xx_server_error', 'retry', 'WARNING'],
      [4, 3, 500, '5xx_server_error', 'skip_page', 'ERROR'],
      [8, 1, 401, '401_unauthorized', 'refresh_token', 'WARNING'],
    ]);
    // Backoff is base × 2^(attempt-1) with PMP_BACKOFF_BASE_MS=10; a skip has no delay, a refresh none.
    expect(failed.map((e) => e.delay_ms)).toEqual([10, 10, 20, null, 0]);
    for (const event of failed) {
      expect(event.max_attempts).toBe(3);
      expect(event.snapshot_id).toBe(1);
      expect(event.error_message).toContain(`HTTP ${event.http_status}`);
      expect(event.response_sample).toMatch(/^\{"status":"error","error_code":"/);
    }
    expect(failed[0]?.response_sample).toContain('SERVICE_UNAVAILABLE');
    expect(failed[4]?.response_sample).toContain('INVALID_OAUTHTOKEN');
  });

  it('page_skipped when a page exhausted its attempts, and gap_recovered when the sweep gets it', () => {
    expect(only(ofType(run(0).log, 'page_skipped'))).toMatchObject({
      level: 'ERROR',
      snapshot_id: 1,
      page: 4,
      error_type: '5xx_server_error',
      attempts: 3,
    });
    expect(only(ofType(run(1).log, 'gap_recovered'))).toMatchObject({
      level: 'INFO',
      snapshot_id: 1,
      page: 4,
      sweep: 1,
      systems: 25,
    });
  });

  it('token_refresh at batch start, proactively near the TTL, and after a 401, all matching the token endpoint', () => {
    const refreshes = ofType(run(0).log, 'token_refresh');
    const reasons = refreshes.map((event) => event.reason);
    expect(reasons[0]).toBe('batch_start');
    expect(reasons).toContain('proactive');
    expect(reasons).toContain('401');
    for (const event of refreshes) {
      expect(event).toMatchObject({ level: 'INFO', success: true, ttl_s: 1, source: 'refresh_token' });
      expect(event).not.toHaveProperty('error_message');
    }
    expect(refreshes[0]?.token_age_s).toBeNull();
    for (const event of refreshes.filter((e) => e.reason === 'proactive')) {
      // Refreshed once the token was past 80% of its 1 s lifetime.
      expect(event.token_age_s).toBeGreaterThanOrEqual(0.8);
    }
    // Every run starts with a fresh token; every refresh logged is one request the endpoint answered.
    const logged = runs.flatMap((r) => ofType(r.log, 'token_refresh'));
    expect(ofType(run(1).log, 'token_refresh')[0]?.reason).toBe('batch_start');
    expect(sim.stats().tokenRequests.filter((t) => t.outcome === 'issued')).toHaveLength(logged.length);
    // Nothing past the 401 fault was refused: the proactive refresh kept the token valid.
    expect(sim.stats().requests.filter((entry) => entry.fault === 'auth:expired')).toEqual([]);
  });

  it('checkpoint_commit every 10 pages and at the end of a batch, matching the database', () => {
    const first = ofType(run(0).log, 'checkpoint_commit');
    expect(first[0]).toMatchObject({
      level: 'INFO',
      snapshot_id: 1,
      last_page: 10,
      systems_extracted: 225,
      coverage_pct: 75,
      pages_in_commit: 10,
    });
    const finalCommit = ofType(run(1).log, 'checkpoint_commit').at(-1);
    expect(finalCommit).toMatchObject({ last_page: 12, systems_extracted: 300, coverage_pct: 100 });
    const stored = withDb(dirs.dbPath, (db) =>
      db
        .prepare(
          'SELECT last_page, systems_extracted, coverage_pct FROM extraction_checkpoints WHERE snapshot_id = 1',
        )
        .get(),
    );
    expect(stored).toEqual({ last_page: 12, systems_extracted: 300, coverage_pct: 100 });
  });

  it('batch_complete sums up each batch', () => {
    expect(only(ofType(run(0).log, 'batch_complete'))).toMatchObject({
      level: 'INFO',
      snapshot_id: 1,
      pages_attempted: 10,
      pages_ok: 9,
      pages_failed: 1,
      systems_extracted: 225,
      total_systems: 300,
      coverage_pct: 75,
      last_page: 10,
      pass_complete: false,
    });
    expect(only(ofType(run(1).log, 'batch_complete'))).toMatchObject({
      systems_extracted: 300,
      coverage_pct: 100,
      last_page: 12,
      pass_complete: true,
    });
  });

  it('target_met when the pass reaches the target, and again (extracted_now false) on the next run', () => {
    expect(ofType(run(0).log, 'target_met')).toEqual([]);
    const expected = { level: 'INFO', snapshot_id: 1, systems_extracted: 300, total_systems: 300 };
    expect(only(ofType(run(1).log, 'target_met'))).toMatchObject({
      ...expected,
      coverage_pct: 100,
      target_pct: 95,
      extracted_now: true,
    });
    expect(only(ofType(run(2).log, 'target_met'))).toMatchObject({ ...expected, extracted_now: false });
    // Nothing is fetched once the target is met.
    expect(run(2).log.map((event) => event.event_type)).toEqual(['run_start', 'target_met', 'run_complete']);
  });

  it('run_complete closes every run with its exit code, outcome and duration', () => {
    const outcomes = runs.map((r) => {
      const last = r.log.at(-1);
      expect(last?.event_type).toBe('run_complete');
      return last;
    });
    expect(outcomes).toMatchObject([
      { level: 'INFO', snapshot_id: 1, exit_code: 0, outcome: 'batch_complete' },
      { snapshot_id: 1, exit_code: 0, outcome: 'target_met' },
      { snapshot_id: 1, exit_code: 0, outcome: 'already_complete' },
    ]);
    const batch = only(ofType(run(0).log, 'batch_complete'));
    const complete = ofType(run(0).log, 'run_complete')[0];
    expect(complete?.duration_ms).toBeGreaterThanOrEqual(batch.duration_ms);
  });

  it('timestamps are UTC with milliseconds and never go backwards within a run', () => {
    for (const r of runs) {
      const times = r.log.map((event) => Date.parse(event.timestamp));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });
});

describe('a failing run', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ profile: 'clean', settings: { systems: 50 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('rejected credentials: token_refresh fails (ERROR), extraction_failed (CRITICAL), exit 1', async () => {
    const dirs = runDirs();
    const run = remember(
      await runValidated([], obsEnv(sim, dirs, { PMP_CLIENT_SECRET: 'not-the-client-secret-0000' })),
    );
    expect(run.code).toBe(1);
    expect(only(ofType(run.log, 'token_refresh'))).toMatchObject({
      level: 'ERROR',
      reason: 'batch_start',
      success: false,
      ttl_s: null,
      source: 'refresh_token',
    });
    expect(ofType(run.log, 'token_refresh')[0]?.error_message).toContain('invalid_client');
    expect(only(ofType(run.log, 'extraction_failed'))).toMatchObject({
      level: 'CRITICAL',
      error_type: 'credentials_rejected',
      exit_code: 1,
    });
    expect(ofType(run.log, 'extraction_failed')[0]?.error_message).toContain('PMP_CLIENT_SECRET');
    expect(run.log.at(-1)).toMatchObject({ event_type: 'run_complete', exit_code: 1, outcome: 'failed' });
    // One human line on stderr, and no secret in it.
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^pmp-extractor: Zoho rejected the client/);
    expect(run.stderr).not.toContain('not-the-client-secret-0000');
  });

  it('an invalid setting: extraction_failed names the variable, before anything else happens', async () => {
    const dirs = runDirs();
    const requestsBefore = sim.stats().requests.length;
    const run = remember(await runValidated([], obsEnv(sim, dirs, { PMP_BATCH_PAGES: 'lots' })));
    expect(run.code).toBe(1);
    const failed = only(run.log);
    expect(failed).toMatchObject({ event_type: 'extraction_failed', level: 'CRITICAL', exit_code: 1 });
    expect(failed.event_type === 'extraction_failed' && failed.error_message).toContain('PMP_BATCH_PAGES');
    expect(sim.stats().requests).toHaveLength(requestsBefore);
  });
});

describe('a deferred run at DEBUG level', () => {
  let sim: Simulator;
  let run: ValidatedRun;
  beforeAll(async () => {
    // Page 3 answers 429 with a Retry-After of 600 s, above PMP_MAX_RETRY_AFTER_S (300): stop, exit 3.
    sim = await createSimulator({
      profile: 'clean',
      settings: {
        systems: 100,
        pageScripts: { 3: [{ kind: 'rate_limit', retryAfter: 'seconds', retryAfterS: 600 }] },
      },
    });
    run = remember(await runValidated(['--log-level', 'debug'], obsEnv(sim, runDirs())));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('run_deferred (WARNING) carries the reason, the Retry-After and a message; exit 3', () => {
    expect(run.code).toBe(3);
    expect(only(ofType(run.log, 'run_deferred'))).toMatchObject({
      level: 'WARNING',
      snapshot_id: 1,
      reason: 'rate_limited',
      retry_after_s: 600,
    });
    expect(ofType(run.log, 'run_deferred')[0]?.message).toMatch(/429/);
    expect(only(ofType(run.log, 'page_extraction_failed'))).toMatchObject({
      page: 3,
      http_status: 429,
      error_type: 'rate_limit_deferred',
      action: 'defer_run',
    });
    // The two pages before it were saved before the run stopped.
    expect(ofType(run.log, 'checkpoint_commit').at(-1)).toMatchObject({
      last_page: 2,
      systems_extracted: 50,
    });
    expect(run.log.at(-1)).toMatchObject({ event_type: 'run_complete', exit_code: 3, outcome: 'deferred' });
  });

  it('DEBUG adds retry_decision and token_budget lines, which follow the schema too', () => {
    expect(only(ofType(run.log, 'retry_decision'))).toMatchObject({
      level: 'DEBUG',
      snapshot_id: 1,
      page: 3,
      attempt: 1,
      error_type: 'rate_limit_deferred',
    });
    expect(only(ofType(run.log, 'token_budget'))).toMatchObject({
      level: 'DEBUG',
      used: 1,
      limit: 10,
      window_s: 600,
    });
  });
});

describe('the closed event set', () => {
  /**
   * Shown in slack-notifications.test.ts, hook-and-metrics.test.ts, event-edge-cases.test.ts and
   * confirmed-removals.test.ts (same validation).
   */
  const shownElsewhere: readonly EventType[] = [
    'slack_disabled',
    'slack_failed',
    'hook_failed',
    'hook_complete',
    'coverage_decreased',
    'page_drift_detected',
    'checkpoint_corruption',
    'records_rejected',
    'duplicate_records', // src/extract/duplicates.test.ts (in-process over the real store)
    'removal_candidates', // confirmed-removals.test.ts
    'removal_confirmed',
  ];

  it('every event type was emitted by a real run in this file or is covered next door', () => {
    const missing = EVENT_TYPES.filter((type) => !seen.has(type) && !shownElsewhere.includes(type));
    expect(missing).toEqual([]);
    // And the list next door is not hiding a type these runs already show.
    expect(shownElsewhere.filter((type) => seen.has(type))).toEqual([]);
  });
});
