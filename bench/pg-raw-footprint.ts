/**
 * Bytes per system of one simulator pass (3,362 systems, `clean`, seed 7) in the PostgreSQL store,
 * against the SQLite file, for D98. Needs a server:
 * `PMP_TEST_DATABASE_URL=postgres://root@127.0.0.1:5432/test node --import tsx bench/pg-raw-footprint.ts`.
 * Compares the shipped layout (raw_json TOASTed out of the row) with raw_json kept in the row.
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScanDetailsPage } from '../src/api/index.ts';
import { connectPostgres, openPostgresStore } from '../src/pg-store/index.ts';
import { openStore, type CommitBatch, type Store, type SystemRecord } from '../src/store/index.ts';
import { simulatorPageBodies } from '../test/support/simulator-pages.ts';

const url = process.env['PMP_TEST_DATABASE_URL'];
if (url === undefined || url === '') throw new Error('Set PMP_TEST_DATABASE_URL to a PostgreSQL server.');

const pages: { page: number; systems: SystemRecord[] }[] = [];
for (const [index, text] of (await simulatorPageBodies({ seed: 7 })).entries()) {
  const parsed = parseScanDetailsPage(text, { page: index + 1, pageSize: 25 });
  if (parsed.kind === 'parsed' && parsed.value.records.length > 0) {
    pages.push({ page: index + 1, systems: parsed.value.records });
  }
}
const systems = pages.reduce((sum, page) => sum + page.systems.length, 0);
const rawBytes = pages.reduce(
  (sum, page) => sum + page.systems.reduce((bytes, system) => bytes + Buffer.byteLength(system.raw_json), 0),
  0,
);
console.log(`${systems} systems, raw_json ${(rawBytes / systems).toFixed(0)} B/system as received`);

/** The pass in commits of 10 pages, as a run writes it. */
async function writePass(store: Store): Promise<void> {
  const id = await store.createSnapshot(Date.now());
  for (let first = 0; first < pages.length; first += 10) {
    const batch: CommitBatch = {
      snapshot_id: id,
      pages: pages.slice(first, first + 10),
      gaps: [],
      gapRetries: [],
      nowMs: Date.now(),
      checkpoint: {
        last_page: first + 10,
        total_systems: systems,
        total_pages: pages.length,
        page_limit: 25,
        pass_complete: false,
        previous_coverage_pct: null,
        probed_page_size: null,
        page_size_fallback: null,
      },
    };
    await store.commit(batch);
  }
}

async function postgres(label: string, setup: string | null): Promise<void> {
  const schema = `pmp_footprint_${label}`;
  const admin = await connectPostgres(url ?? '');
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const store = await openPostgresStore({ client: await connectPostgres(url ?? ''), schema });
  if (setup !== null) await admin.query(setup.replace('S.', `"${schema}".`));
  await writePass(store);
  await store.close();
  await admin.query(`VACUUM ANALYZE "${schema}".systems`);
  const { rows } = await admin.query(
    `SELECT pg_total_relation_size(c.oid) AS total, pg_relation_size(c.oid) AS heap,
       pg_indexes_size(c.oid) AS indexes, pg_total_relation_size(c.reltoastrelid) AS toast,
       (SELECT sum(pg_column_size(raw_json)) FROM "${schema}".systems) AS raw_json
     FROM pg_class c WHERE c.oid = $1::regclass`,
    [`"${schema}".systems`],
  );
  const sizes = Object.entries(rows[0] ?? {}).map(
    ([key, value]) => `${key} ${(Number(value) / systems).toFixed(0)}`,
  );
  console.log(`PostgreSQL, ${label}: B/system ${sizes.join(', ')}`);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.close();
}

await postgres('shipped', null);
await postgres('in_row', 'ALTER TABLE S.systems RESET (toast_tuple_target)');

const path = join(tmpdir(), `pmp-footprint-${process.pid}.db`);
const sqlite = openStore({ path });
await writePass(sqlite);
await sqlite.close();
console.log(`SQLite: file ${(statSync(path).size / systems).toFixed(0)} B/system`);
rmSync(path, { force: true });
rmSync(`${path}-wal`, { force: true });
rmSync(`${path}-shm`, { force: true });
