/** Migration 8 (D74): the checkpoint keeps what PMP_PAGE_SIZE=auto settled, in new and in older files. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import { CHECKPOINT_WRITER } from './schema-extractor.ts';
import type { PassPosition } from './store.ts';
import { fileBeforeMigration, tempDbPaths } from '../../test/support/legacy-file.ts';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const dbPath = tempDbPaths('pmp-page-size-');

const POSITION: PassPosition = {
  last_page: 80,
  total_systems: 3362,
  total_pages: 135,
  page_limit: 25,
  pass_complete: false,
  previous_coverage_pct: null,
  probed_page_size: 25,
  page_size_fallback: 'pagelimit=1000 on page 3: network_timeout',
};

describe('probed_page_size and page_size_fallback', () => {
  it('start empty, and a commit writes them with the rest of the position', async () => {
    const store = openStore({ path: dbPath() });
    const id = await store.createSnapshot(T0);
    expect(await store.getCheckpoint(id)).toMatchObject({ probed_page_size: null, page_size_fallback: null });
    await store.commit({
      snapshot_id: id,
      pages: [],
      gaps: [],
      gapRetries: [],
      checkpoint: POSITION,
      nowMs: T0,
    });
    expect(await store.getCheckpoint(id)).toMatchObject({
      last_page: 80,
      probed_page_size: 25,
      page_size_fallback: 'pagelimit=1000 on page 3: network_timeout',
    });
    // A reset after corruption forgets them: the pass may probe again (nothing depends on the old size).
    await store.resetCheckpoint(id, 0, T0);
    expect(await store.getCheckpoint(id)).toMatchObject({ probed_page_size: null, page_size_fallback: null });
    await store.close();
  });

  it('are added to a file from before migration 8, whose pass reads them as not probed', async () => {
    const path = dbPath();
    fileBeforeMigration(
      path,
      8,
      `INSERT INTO snapshots (status) VALUES ('partial');
       INSERT INTO extraction_checkpoints (snapshot_id, last_page, systems_extracted, coverage_pct, page_limit,
         written_by) VALUES (1, 40, 1000, 29.7, 25, '${CHECKPOINT_WRITER}');`,
    );
    const store = openStore({ path });
    expect(await store.getCheckpoint(1)).toMatchObject({
      last_page: 40,
      probed_page_size: null,
      page_size_fallback: null,
    });
    await store.close();
    const reader = new Database(path, { readonly: true });
    const versions = reader.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all();
    expect(versions).toContain(8);
    reader.close();
  });
});
