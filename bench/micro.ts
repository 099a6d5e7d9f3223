/**
 * Micro-benchmarks of the in-process pieces a page goes through: lossless JSON parse of a 25-record
 * page, record normalisation, the combined page parser, and store.commit of 10 pages (one transaction
 * into a WAL-mode SQLite file). Page bodies are real simulator answers fetched over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeRecord, parseLossless, parseScanDetailsPage } from '../src/api/index.ts';
import type { JsonValue } from '../src/api/index.ts';
import { isJsonObject } from '../src/api/lossless.ts';
import { openStore } from '../src/store/index.ts';
import type { SystemRecord } from '../src/store/index.ts';
import { simulatorPageBodies } from '../test/support/simulator-pages.ts';

export interface MicroResult {
  name: string;
  /** What one operation is. */
  unit: string;
  ops: number;
  opsPerSec: number;
  /** Mean wall time per operation in the fastest round, µs. */
  meanUs: number;
  /** Mean CPU time (user + system, all threads) per operation in the fastest round, µs. */
  cpuUs: number;
  /** Operations one full pass of 135 pages needs (pages, or commits of 10 pages). */
  perPass: number;
}

const PAGE_SIZE = 25;
const PASS_PAGES = 135;

/** User + system CPU time of this process, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs `op` in `rounds` rounds of at least `roundMs` each (after a warm-up) and keeps the fastest
 * round, by wall time and by CPU time separately: on a shared machine other load only ever slows a
 * round down, so the best one is the closest to the code's own cost, and CPU time does not count the
 * time this process waited for a core. Only the time spent inside `op` counts (not `setup`).
 */
async function measure(
  name: string,
  unit: string,
  perPass: number,
  op: () => unknown,
  options: { roundMs?: number; rounds?: number; warmup?: number; setup?: () => Promise<void> | void } = {},
): Promise<MicroResult> {
  const { roundMs = 150, rounds = 8, warmup = 50, setup } = options;
  for (let i = 0; i < warmup; i += 1) {
    await setup?.();
    await op();
  }
  let bestWall = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let totalOps = 0;
  for (let round = 0; round < rounds; round += 1) {
    let wall = 0;
    let cpu = 0;
    let ops = 0;
    const began = performance.now();
    while (performance.now() - began < roundMs) {
      await setup?.();
      const cpuStart = cpuMs();
      const start = performance.now();
      // The store's methods return promises (D90); the SQLite work itself is done before they return.
      await op();
      wall += performance.now() - start;
      cpu += cpuMs() - cpuStart;
      ops += 1;
    }
    totalOps += ops;
    bestWall = Math.min(bestWall, wall / ops);
    bestCpu = Math.min(bestCpu, cpu / ops);
  }
  return {
    name,
    unit,
    ops: totalOps,
    opsPerSec: 1000 / bestWall,
    meanUs: bestWall * 1000,
    cpuUs: bestCpu * 1000,
    perPass,
  };
}

function recordsOf(value: JsonValue): JsonValue[] {
  if (!isJsonObject(value)) throw new Error('not an envelope');
  const response = value['message_response'];
  if (!isJsonObject(response)) throw new Error('no message_response');
  const records = response['scandetails'];
  if (!Array.isArray(records)) throw new Error('scandetails is not an array');
  return records;
}

export async function runMicro(): Promise<{ results: MicroResult[]; pageBytes: number }> {
  const bodies = await simulatorPageBodies({ seed: 1, pages: 10 });
  const body = bodies[0] ?? '';
  const parsedPages = bodies.map((text, index) => {
    const outcome = parseScanDetailsPage(text, { page: index + 1, pageSize: PAGE_SIZE });
    if (outcome.kind !== 'parsed') throw new Error(`page ${index + 1} did not parse: ${outcome.kind}`);
    return { page: index + 1, systems: outcome.value.records };
  });
  const rawRecords = recordsOf(parseLossless(body));
  if (rawRecords.length !== PAGE_SIZE)
    throw new Error(`expected ${PAGE_SIZE} records, got ${rawRecords.length}`);

  const results: MicroResult[] = [];
  results.push(
    await measure(
      'JSON.parse (baseline, loses digits)',
      'page',
      PASS_PAGES,
      () => JSON.parse(body) as unknown,
    ),
  );
  results.push(await measure('lossless JSON parse', 'page', PASS_PAGES, () => parseLossless(body)));
  results.push(
    await measure('normalize 25 records', 'page', PASS_PAGES, () =>
      rawRecords.map((raw, index) => normalizeRecord(raw, index)),
    ),
  );
  results.push(
    await measure('parseScanDetailsPage (parse + normalize)', 'page', PASS_PAGES, () =>
      parseScanDetailsPage(body, { page: 1, pageSize: PAGE_SIZE }),
    ),
  );

  const dir = mkdtempSync(join(tmpdir(), 'pmp-bench-store-'));
  const store = openStore({ path: join(dir, 'bench.db') });
  try {
    let snapshotId = 0;
    const pages: { page: number; systems: readonly SystemRecord[] }[] = parsedPages;
    const commitTen = (): unknown =>
      store.commit({
        snapshot_id: snapshotId,
        pages,
        gaps: [],
        gapRetries: [],
        checkpoint: {
          last_page: pages.length,
          total_systems: 3362,
          total_pages: PASS_PAGES,
          page_limit: PAGE_SIZE,
          pass_complete: false,
          previous_coverage_pct: null,
        },
        nowMs: Date.now(),
      });
    // A fresh snapshot per operation (outside the timing): every commit inserts 250 new rows, as in a pass.
    results.push(
      await measure(
        'store.commit 10 pages (insert 250 rows)',
        '10 pages',
        Math.ceil(PASS_PAGES / 10),
        commitTen,
        {
          warmup: 5,
          roundMs: 250,
          setup: async () => {
            snapshotId = await store.createSnapshot(Date.now());
          },
        },
      ),
    );
    // The same snapshot again and again: the upsert path (a gap sweep or a re-read page).
    snapshotId = await store.createSnapshot(Date.now());
    await commitTen();
    results.push(
      await measure(
        'store.commit 10 pages (upsert existing)',
        '10 pages',
        Math.ceil(PASS_PAGES / 10),
        commitTen,
        {
          warmup: 5,
          roundMs: 200,
        },
      ),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { results, pageBytes: Buffer.byteLength(body) };
}
