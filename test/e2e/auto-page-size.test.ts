/**
 * PMP_PAGE_SIZE=auto end to end (D74): the built CLI against simulators that honour 1000, clamp to 25
 * without saying so, hang on pages above 25, or fail one big page in the middle of the pass. Requests
 * are counted by the simulator; every run must end with the exact ground truth, each system on the
 * page of 25 it sits on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator, type SimSettings, type Simulator } from '../../src/simulator/index.ts';
import { clientEnv, pageRequests, removeTempDirs, runDirs, withDb } from '../support/recording-proxy.ts';
import { runValidated, type ValidatedRun } from '../support/validated-run.ts';

const sims: Simulator[] = [];
afterAll(async () => {
  for (const sim of sims.splice(0)) await sim.close();
  removeTempDirs();
});

async function simulator(settings: Partial<SimSettings>): Promise<Simulator> {
  const sim = await createSimulator({ profile: 'clean', settings: { systems: 3362, ...settings } });
  sims.push(sim);
  return sim;
}

interface Stored {
  pages: Map<string, number>;
  checkpoint: {
    last_page: number;
    page_limit: number;
    probed_page_size: number | null;
    page_size_fallback: string | null;
  };
  status: string;
}

function stored(dbPath: string): Stored {
  return withDb(dbPath, (db) => ({
    pages: new Map(
      (
        db.prepare('SELECT resource_id, source_page FROM systems').all() as {
          resource_id: string;
          source_page: number;
        }[]
      ).map((row) => [row.resource_id, row.source_page]),
    ),
    checkpoint: db
      .prepare(
        'SELECT last_page, page_limit, probed_page_size, page_size_fallback FROM extraction_checkpoints',
      )
      .get() as Stored['checkpoint'],
    status: db
      .prepare('SELECT status FROM snapshots ORDER BY snapshot_id DESC LIMIT 1')
      .pluck()
      .get() as string,
  }));
}

/** Exactly the ground truth, each id on its page of 25. */
function expectGroundTruth(sim: Simulator, dbPath: string): Stored {
  const result = stored(dbPath);
  const truth = sim.groundTruthIds();
  expect(result.pages.size).toBe(truth.length);
  const misplaced = truth.filter((id, index) => result.pages.get(id) !== Math.floor(index / 25) + 1);
  expect(misplaced).toEqual([]);
  expect(result.status).toBe('success');
  return result;
}

async function extract(sim: Simulator, dirs: ReturnType<typeof runDirs>, extra: Record<string, string> = {}) {
  const run: ValidatedRun = await runValidated(
    [],
    clientEnv(sim, dirs, { PMP_PAGE_SIZE: 'auto', PMP_BATCH_PAGES: '200', ...extra }),
  );
  expect(run.stderr).toBe('');
  return run;
}

const pageLimits = (sim: Simulator): (number | null)[] =>
  pageRequests(sim.stats().requests).map((entry) => entry.pageLimit);
const eventsOf = (run: ValidatedRun, type: string) => run.log.filter((event) => event.event_type === type);

describe('PMP_PAGE_SIZE=auto (built CLI)', () => {
  it('reads 3,362 systems in at most 5 page requests from a server that honours 1000', async () => {
    const sim = await simulator({});
    const dirs = runDirs();
    const run = await extract(sim, dirs);
    expect(run.code).toBe(0);
    const limits = pageLimits(sim);
    expect(limits.length).toBeLessThanOrEqual(5);
    expect(limits).toEqual([1000, 1000, 1000, 1000]);
    const result = expectGroundTruth(sim, dirs.dbPath);
    expect(result.checkpoint).toEqual({
      last_page: 135,
      page_limit: 25,
      probed_page_size: 1000,
      page_size_fallback: null,
    });
    expect(eventsOf(run, 'page_size_probed')).toMatchObject([{ page_size: 1000, clamp: 'none' }]);
  });

  it('gets the exact ground truth from a server that clamps to 25 silently', async () => {
    const sim = await simulator({ pageLimitCap: { max: 25, over: 'silent' } });
    const dirs = runDirs();
    const run = await extract(sim, dirs);
    expect(run.code).toBe(0);
    expect(pageLimits(sim)).toEqual([1000, ...Array.from({ length: 134 }, () => 25)]);
    const result = expectGroundTruth(sim, dirs.dbPath);
    expect(result.checkpoint).toMatchObject({ probed_page_size: 25, page_size_fallback: null });
    expect(eventsOf(run, 'page_size_probed')).toMatchObject([
      { page_size: 25, clamp: 'silent', records: 25, limit_echoed: 1000 },
    ]);
  });

  it('falls back to 25 when big pages hang, remembers it, and gets the exact ground truth', async () => {
    const sim = await simulator({ pageLimitCap: { max: 25, over: 'hang' } });
    const dirs = runDirs();
    const first = await extract(sim, dirs, { PMP_REQUEST_TIMEOUT_MS: '300', PMP_BATCH_PAGES: '50' });
    expect(first.code).toBe(0);
    expect(pageLimits(sim)).toEqual([1000, ...Array.from({ length: 50 }, () => 25)]);
    const reason = 'pagelimit=1000 on page 1: network_timeout';
    expect(eventsOf(first, 'page_size_fallback')).toMatchObject([
      { page: 1, page_size: 1000, fallback_page_size: 25, reason },
    ]);
    // The big page's one attempt is no page given up.
    expect(eventsOf(first, 'page_extraction_failed')).toEqual([]);
    expect(eventsOf(first, 'page_skipped')).toEqual([]);
    // The next run of the same pass does not probe again.
    const second = await extract(sim, dirs, { PMP_REQUEST_TIMEOUT_MS: '300' });
    expect(second.code).toBe(0);
    expect(
      pageLimits(sim)
        .slice(51)
        .every((limit) => limit === 25),
    ).toBe(true);
    const result = expectGroundTruth(sim, dirs.dbPath);
    expect(result.checkpoint).toMatchObject({
      last_page: 135,
      probed_page_size: 25,
      page_size_fallback: reason,
    });
  });

  it('falls back in the middle of the pass when big page 3 answers 503, losing and repeating nothing', async () => {
    const sim = await simulator({ pageScripts: { 3: [{ kind: 'status', status: 503 }] } });
    const dirs = runDirs();
    const run = await extract(sim, dirs);
    expect(run.code).toBe(0);
    const requests = pageRequests(sim.stats().requests).map((entry) => `${entry.page}@${entry.pageLimit}`);
    // Big page 3 held pages 81-120 of 25: the pass goes on there, at 25.
    expect(requests.slice(0, 4)).toEqual(['1@1000', '2@1000', '3@1000', '81@25']);
    expect(requests).toHaveLength(3 + 55);
    const result = expectGroundTruth(sim, dirs.dbPath);
    expect(result.checkpoint).toMatchObject({
      last_page: 135,
      page_limit: 25,
      probed_page_size: 25,
      page_size_fallback: 'pagelimit=1000 on page 3: 5xx_server_error (HTTP 503)',
    });
  });

  it('keeps a pass in pages of 25 when PMP_PAGE_SIZE changes to 100 in the middle of it', async () => {
    const sim = await simulator({});
    const dirs = runDirs();
    expect((await extract(sim, dirs, { PMP_PAGE_SIZE: '25', PMP_BATCH_PAGES: '40' })).code).toBe(0);
    // Resumed as page 41 of 100, the pass would ask for systems 4,000 on: past the end, 2,362 never read.
    expect((await extract(sim, dirs, { PMP_PAGE_SIZE: '100' })).code).toBe(0);
    expect(pageLimits(sim).every((limit) => limit === 25)).toBe(true);
    expectGroundTruth(sim, dirs.dbPath);
  });
});
