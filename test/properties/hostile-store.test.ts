/**
 * Hostile input against the real SQLite store, property-based (D62): hostile pages through the real
 * page source and the extraction loop, fuzzed checkpoint rows, and fuzzed database files. No throw
 * escapes the loop, no malformed row is written, and no committed row is lost; a damaged file is an
 * ExtractorError with a documented code, never a crash.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.ts';
import { createPageSource } from '../../src/app/page-source.ts';
import type { PageResult } from '../../src/extract/ports.ts';
import { validateCheckpoint } from '../../src/extract/validate-checkpoint.ts';
import { createRunMetrics, SecretRegistry } from '../../src/observability/index.ts';
import { ExtractorError, isExtractorError } from '../../src/platform/index.ts';
import { createPacer } from '../../src/retry/index.ts';
import { openStore, openStoreReadOnly, type Checkpoint } from '../../src/store/index.ts';
import { rawRecords } from '../support/db.ts';
import { harness, tempDbPath } from '../support/extract-harness.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { createFakeFetch } from '../support/fake-fetch.ts';
import {
  CANONICAL_ID,
  hostileAnswer,
  responseOf,
  ROW_RULE_CLASSES,
  type HostileAnswer,
} from '../support/hostile-bodies.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { DEFAULT_RETRY_POLICY } from '../support/settings.ts';
import { removeTempDir, tempDir } from '../support/temp-dir.ts';

const SYSTEMS = 60;
/** Codes a store refusal may carry (README Database: exit 1, or exit 3 for a busy file). */
const STORE_CODES = ['database_error', 'database_busy'];

/** One page through the real page source (1 attempt) over a fake fetch serving `answer`. */
async function pageResultOf(answer: HostileAnswer, page: number): Promise<PageResult> {
  const clock = new FakeClock();
  const fake = createFakeFetch([(request) => responseOf(answer, request.signal)]);
  const source = createPageSource({
    client: createApiClient({
      baseUrl: 'https://pmp.test',
      http: fake.http,
      pacer: createPacer(clock, 0),
      timeoutMs: 5,
      maxBodyBytes: 1024 * 1024,
      pageSize: 25,
    }),
    tokens: {
      getAccessToken: () => Promise.resolve('token'),
      refreshAfterAuthFailure: () => Promise.resolve('token'),
    },
    clock,
    policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 },
    secrets: new SecretRegistry(),
    metrics: createRunMetrics(),
  });
  return source.fetchPage(page, new AbortController().signal, recordingLogger([]));
}

/** Every stored row with its raw record, read back through the documented view (D70). */
function storedRows(dbPath: string): { resource_id: string; raw_json: string }[] {
  return rawRecords(dbPath);
}

describe('hostile pages through the extraction loop and a real SQLite store (2,000 per run)', () => {
  it('no throw escapes, no malformed row is written, no committed row is lost', async () => {
    await fc.assert(
      fc.asyncProperty(hostileAnswer, hostileAnswer, async (second, third) => {
        const dbPath = tempDbPath();
        const h = harness({ systems: SYSTEMS, dbPath });
        await h.run({ batchPages: 1 });
        const committed = storedRows(dbPath).map((row) => row.resource_id);
        expect(committed).toHaveLength(25);
        let results: [PageResult, PageResult];
        try {
          results = [await pageResultOf(second, 2), await pageResultOf(third, 3)];
        } catch (error) {
          // The one documented fatal page answer (D50): HTTP 431 stops the run as a credential problem.
          expect(error).toBeInstanceOf(ExtractorError);
          expect((error as ExtractorError).code).toBe('auth_aborted');
          expect([second.status, third.status]).toContain(431);
          return;
        }
        h.api.script(2, results[0]);
        h.api.script(3, results[1]);
        const summary = (await h.run()).summary;
        expect(typeof summary.outcome).toBe('string');
        const rows = storedRows(dbPath);
        const stored = new Set(rows.map((row) => row.resource_id));
        for (const id of committed) expect(stored.has(id)).toBe(true);
        for (const row of rows) expect(() => JSON.parse(row.raw_json) as unknown).not.toThrow();
        if (ROW_RULE_CLASSES.has(second.mutation) && ROW_RULE_CLASSES.has(third.mutation))
          for (const row of rows) expect(row.resource_id).toMatch(CANONICAL_ID);
      }),
      { numRuns: 2000, seed: 31 },
    );
  }, 300_000);
});

const checkpointArbitrary: fc.Arbitrary<Checkpoint> = fc.record({
  snapshot_id: fc.constant(1),
  last_page: fc.oneof(
    fc.integer({ min: -5, max: 300 }),
    fc.double({ noNaN: true }),
    fc.constant(Number.MAX_SAFE_INTEGER),
  ),
  systems_extracted: fc.oneof(fc.integer({ min: -100, max: 10_000 }), fc.double({ noNaN: true })),
  coverage_pct: fc.oneof(fc.double({ min: -50, max: 200 }), fc.double({ noNaN: true })),
  total_systems: fc.option(fc.integer({ min: -10, max: 10_000_000 })),
  total_pages: fc.option(fc.integer({ min: -10, max: 400_000 })),
  page_limit: fc.option(fc.integer({ min: -1, max: 1000 })),
  pass_complete: fc.boolean(),
  previous_coverage_pct: fc.option(fc.double({ noNaN: true })),
  updated_at_ms: fc.integer({ min: 0 }),
});

describe('fuzzed checkpoint rows', () => {
  it('validateCheckpoint trusts only a consistent checkpoint (2,000 per run)', () => {
    fc.assert(
      fc.property(checkpointArbitrary, (checkpoint) => {
        const verdict = validateCheckpoint(checkpoint);
        if (!verdict.valid) return;
        expect(Number.isInteger(checkpoint.last_page) && checkpoint.last_page >= 0).toBe(true);
        expect(checkpoint.coverage_pct >= 0 && checkpoint.coverage_pct <= 100).toBe(true);
        if (checkpoint.total_pages !== null)
          expect(checkpoint.last_page).toBeLessThanOrEqual(checkpoint.total_pages);
      }),
      { numRuns: 2000, seed: 32 },
    );
  });

  it('a row edited behind the store is reset or resumed, and the pass still ends with exact ids', async () => {
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(checkpointArbitrary, async (edited) => {
        const dbPath = tempDbPath();
        const h = harness({ systems: SYSTEMS, dbPath });
        await h.run({ batchPages: 1 });
        const db = new Database(dbPath);
        try {
          db.prepare(
            'UPDATE extraction_checkpoints SET last_page = ?, systems_extracted = ?, coverage_pct = ?, ' +
              'total_systems = ?, total_pages = ? WHERE snapshot_id = 1',
          ).run(
            edited.last_page,
            edited.systems_extracted,
            edited.coverage_pct,
            edited.total_systems,
            edited.total_pages,
          );
        } catch {
          return; // a value the table's constraints refuse cannot be stored, so cannot be read back
        } finally {
          db.close();
        }
        stored += 1;
        for (let run = 0; run < 6; run++) await h.run();
        const latest = h.store.allIds(Math.max(...snapshotIds(dbPath)));
        expect(new Set(latest).size).toBe(latest.length);
        expect([...latest].sort()).toEqual([...h.api.ids].sort());
      }),
      { numRuns: 2000, seed: 33 },
    );
    expect(stored).toBeGreaterThan(1000);
  }, 300_000);
});

function snapshotIds(dbPath: string): number[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT snapshot_id FROM snapshots').pluck().all() as number[];
  } finally {
    db.close();
  }
}

describe('fuzzed database files', () => {
  let dir: string;
  let madeDb: string;

  beforeAll(async () => {
    dir = tempDir('pmp-fuzz-db-');
    const dbPath = tempDbPath();
    const h = harness({ systems: SYSTEMS, dbPath });
    await h.run();
    await h.store.close();
    madeDb = join(dir, 'made.db');
    copyFileSync(dbPath, madeDb);
  });

  afterAll(() => {
    removeTempDir(dir);
  });

  const damage = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
    }),
    fc.record({
      kind: fc.constant('truncate' as const),
      at: fc.array(fc.nat(), { minLength: 1, maxLength: 1 }),
    }),
    fc.record({
      kind: fc.constant('zero_page' as const),
      at: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    }),
  );

  it('opening a damaged file gives a store or an ExtractorError with a documented code (2,000 per run)', async () => {
    let index = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(damage, async (change) => {
        const bytes = Buffer.from(readFileSync(madeDb));
        const pageSize = 4096;
        const pages = bytes.length / pageSize;
        if (change.kind === 'flip')
          for (const at of change.at)
            bytes.writeUInt8((bytes.readUInt8(at % bytes.length) ^ 0xff) & 0xff, at % bytes.length);
        if (change.kind === 'zero_page')
          for (const at of change.at)
            bytes.fill(0, (at % pages) * pageSize, (at % pages) * pageSize + pageSize);
        const file = join(dir, `fuzzed-${index++}.db`);
        writeFileSync(
          file,
          change.kind === 'truncate' ? bytes.subarray(0, (change.at[0] ?? 0) % bytes.length) : bytes,
          {
            mode: 0o600,
          },
        );
        for (const open of [() => openStore({ path: file }), () => openStoreReadOnly(file)]) {
          try {
            await open()?.close();
          } catch (error) {
            refused += 1;
            expect(isExtractorError(error) && STORE_CODES.includes(error.code), String(error)).toBe(true);
          }
        }
      }),
      { numRuns: 2000, seed: 34 },
    );
    expect(refused).toBeGreaterThan(30);
  });
});
