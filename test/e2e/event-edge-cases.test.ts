/**
 * The events of situations a normal run does not meet, end to end (D8): coverage dropping between
 * runs, page drift, a corrupt checkpoint and a rejected record, each emitted by the BUILT CLI against
 * the simulator and validated against the schema (test/support/event-schema.ts), which is itself
 * tested last. The lifecycle, failing and deferred runs are in event-lifecycle.test.ts, whose closed
 * set check counts the types shown here.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ofType, parseEventLine, validateEventStream } from '../support/event-schema.ts';
import {
  obsEnv,
  only,
  runDirs,
  runValidated,
  startProxy,
  withDb,
  type InterceptingProxy,
} from '../support/validated-run.ts';

describe('coverage_decreased', () => {
  it('is a WARNING when coverage drops between runs (the fleet grew), and the run goes on', async () => {
    const sim = await createSimulator({ profile: 'clean', settings: { systems: 100 } });
    try {
      const dirs = runDirs();
      const env = obsEnv(sim, dirs, { PMP_BATCH_PAGES: '2' });
      const first = await runValidated([], env);
      expect(ofType(first.log, 'batch_complete')[0]?.coverage_pct).toBe(50);
      expect(ofType(first.log, 'coverage_decreased')).toEqual([]);
      // 300 new systems: 50 of 100 was 50%; 100 of 400 is 25%.
      sim.mutate({ add: 300 });
      const second = await runValidated([], env);
      expect(second.code).toBe(0);
      expect(only(ofType(second.log, 'coverage_decreased'))).toMatchObject({
        level: 'WARNING',
        snapshot_id: 1,
        previous_pct: 50,
        current_pct: 25,
      });
      expect(ofType(second.log, 'batch_complete')[0]).toMatchObject({ coverage_pct: 25, last_page: 4 });
    } finally {
      await sim.close();
    }
  });
});

describe('page_drift_detected', () => {
  it('is a WARNING when the last committed page shifted between runs, with the shift found', async () => {
    const sim = await createSimulator({ profile: 'clean', settings: { systems: 200 } });
    try {
      const dirs = runDirs();
      const env = obsEnv(sim, dirs, { PMP_BATCH_PAGES: '4' });
      await runValidated([], env);
      // Page 1 loses all 25 systems: what was page 5 is now page 4, one page of shift.
      sim.mutate({ removeFromPages: { pages: [1], count: 25 } });
      const second = await runValidated([], env);
      expect(second.code).toBe(0);
      expect(only(ofType(second.log, 'page_drift_detected'))).toMatchObject({
        level: 'WARNING',
        snapshot_id: 1,
        page: 4,
        shift_pages: 1,
        resume_page: 5,
        matched: true,
      });
      const drift = second.log.findIndex((event) => event.event_type === 'page_drift_detected');
      const firstProgress = second.log.findIndex((event) => event.event_type === 'extraction_progress');
      expect(drift).toBeLessThan(firstProgress);
    } finally {
      await sim.close();
    }
  });
});

describe('checkpoint_corruption', () => {
  it('is a WARNING naming the bad value, and the pass restarts from page 0', async () => {
    const sim = await createSimulator({ profile: 'clean', settings: { systems: 100 } });
    try {
      const dirs = runDirs();
      const env = obsEnv(sim, dirs, { PMP_BATCH_PAGES: '2' });
      await runValidated([], env);
      const db = new Database(dirs.dbPath);
      db.prepare('UPDATE extraction_checkpoints SET coverage_pct = 250 WHERE snapshot_id = 1').run();
      db.close();
      const second = await runValidated([], env);
      expect(second.code).toBe(0);
      const corruption = only(ofType(second.log, 'checkpoint_corruption'));
      expect(corruption).toMatchObject({
        level: 'WARNING',
        snapshot_id: 1,
        last_page: 2,
        coverage_pct: 250,
        action: 'reset_to_page_0',
      });
      expect(corruption.reason).toContain('coverage_pct 250');
      expect(only(ofType(second.log, 'batch_start'))).toMatchObject({ start_page: 1, resumed: false });
    } finally {
      await sim.close();
    }
  });
});

describe('records_rejected', () => {
  // The simulator has no fault that drops a record's id, so a proxy in front of it removes
  // resource_id and resource_id_string from the first record of page 1.
  let sim: Simulator;
  let proxy: InterceptingProxy;
  beforeAll(async () => {
    sim = await createSimulator({ profile: 'clean', settings: { systems: 50 } });
    proxy = await startProxy(sim.url, {
      transform: (request, status, body) =>
        request.url.searchParams.get('page') === '1' && status === 200
          ? body.replace(/"resource_id":\d+,"resource_id_string":"\d+",/, '')
          : body,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  it('is an ERROR with the page, the count and the reason; the other records are stored', async () => {
    const dirs = runDirs();
    const run = await runValidated([], obsEnv(sim, dirs, { PMP_SERVER_URL: proxy.url }));
    expect(run.code).toBe(0);
    expect(only(ofType(run.log, 'records_rejected'))).toMatchObject({
      level: 'ERROR',
      snapshot_id: 1,
      page: 1,
      count: 1,
      reasons: 'record has no resource_id',
    });
    const stored = withDb(dirs.dbPath, (db) => db.prepare('SELECT COUNT(*) FROM systems').pluck().get());
    expect(stored).toBe(49);
  });
});

describe('the schema validator itself', () => {
  const good = {
    level: 'ERROR',
    timestamp: '2026-11-26T17:30:15.456Z',
    event_type: 'page_skipped',
    account: 'client-a',
    snapshot_id: 7,
    page: 51,
    error_type: '5xx_server_error',
    attempts: 3,
    msg: 'page 51 skipped after 3 attempts (5xx_server_error); recorded as a gap',
  };
  const line = (change: Record<string, unknown>): string => JSON.stringify({ ...good, ...change });

  it('accepts a documented line', () => {
    expect(parseEventLine(line({}))).toEqual(good);
  });

  it.each([
    ['a timestamp without milliseconds', { timestamp: '2026-11-26T17:30:15Z' }, /timestamp/],
    ['a timestamp with an offset', { timestamp: '2026-11-26T17:30:15.456+00:00' }, /timestamp/],
    ['an impossible date', { timestamp: '2026-02-30T17:30:15.456Z' }, /real UTC instant/],
    ['a lower-case level', { level: 'error' }, /level/],
    ["pino's numeric level", { level: 50 }, /level/],
    ['an unknown event type', { event_type: 'page_exploded' }, /unknown event_type/],
    ['a field the allow-list does not name', { access_token: 'x' }, /access_token/],
    ['a missing field', { attempts: undefined }, /attempts/],
    ['a missing snapshot_id on a snapshot event', { snapshot_id: undefined }, /snapshot_id/],
    ['a missing msg', { msg: undefined }, /msg/],
    ['a missing account', { account: undefined }, /account/],
    ['an account with a space', { account: 'client a' }, /account/],
    ['a wrong type', { page: '51' }, /page/],
    ['an unknown error class', { error_type: 'teapot' }, /error_type/],
  ])('rejects %s', (_name, change, message) => {
    expect(() => parseEventLine(line(change))).toThrow(message);
  });

  it('rejects non-JSON, blank lines and a missing final newline in a stream', () => {
    expect(() => validateEventStream(`${line({})}\nPMP ████ page 3/10\n`)).toThrow(/line 2 is not JSON/);
    expect(() => validateEventStream(`${line({})}\n\n${line({})}\n`)).toThrow(/line 2 is not JSON/);
    expect(() => validateEventStream(line({}))).toThrow(/newline/);
    expect(validateEventStream('')).toEqual([]);
  });
});
