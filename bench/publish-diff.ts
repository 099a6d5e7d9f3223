/**
 * `node --import tsx bench/publish-diff.ts [systems]`: the time Store.publishSnapshot takes to
 * publish a pass and write its system_changes rows (D112) for a large fleet, on a real file in a
 * temp folder. Pass 2 drops the first 1% of pass 1, adds as many new systems, renames 1% of the rest,
 * changes the health of 2% and moves every volatile timestamp. Not part of `npm test`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store, type SystemRecord } from '../src/store/index.ts';
import { tempDir } from '../test/support/temp-dir.ts';

const systems = Number(process.argv[2] ?? '100000');
const PAGE = 1000;

function recordOf(index: number, pass: 1 | 2): SystemRecord {
  const id = (52_549_000_000_186_013n + BigInt(index)).toString();
  const renamed = pass === 2 && index % 100 === 0;
  return {
    resource_id: id,
    columns: {
      resource_name: `pc-${index}${renamed ? '-renamed' : ''}`,
      branch_office_name: `Org ${index % 20}`,
      ip_address: `10.0.${index % 250}.${index % 200}`,
      os_name: 'Windows 11',
      os_platform: 1,
      resource_health_status: pass === 2 && index % 50 === 1 ? 3 : 1,
      computer_live_status: 1,
      scan_status: 228,
      agent_version: '11.3.2416.05.W',
      agent_last_contact_time: 1_764_000_000_000 + pass,
      last_scan_time: 1_763_900_000_000 + pass,
    },
    raw_json: `{"resource_id":${id}}`,
  };
}

async function storePass(store: Store, pass: 1 | 2, from: number, nowMs: number): Promise<number> {
  const id = await store.createSnapshot(nowMs);
  for (let page = 1; (page - 1) * PAGE < systems; page++) {
    const first = from + (page - 1) * PAGE;
    const records = Array.from({ length: Math.min(PAGE, from + systems - first) }, (_, i) =>
      recordOf(first + i, pass),
    );
    await store.commit({
      snapshot_id: id,
      pages: [{ page, systems: records }],
      gaps: [],
      gapRetries: [],
      checkpoint: {
        last_page: page,
        total_systems: systems,
        total_pages: Math.ceil(systems / PAGE),
        page_limit: PAGE,
        pass_complete: false,
        previous_coverage_pct: null,
        probed_page_size: null,
        page_size_fallback: null,
      },
      nowMs,
    });
  }
  return id;
}

const dir = tempDir('pmp-bench-publish-');
try {
  const store = openStore({ path: join(dir, 'publish.db') });
  await store.publishSnapshot(await storePass(store, 1, 0, 1000), 2000, 1000);
  const second = await storePass(store, 2, systems / 100, 3000);
  const startMs = performance.now();
  const result = await store.publishSnapshot(second, 4000, 1000);
  const elapsedMs = performance.now() - startMs;
  await store.close();
  console.log(
    `${systems} systems: published with ${JSON.stringify(result.changes)} in ${elapsedMs.toFixed(0)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
