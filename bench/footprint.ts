/**
 * The footprint rows of issue 11: peak RSS (GNU time, the child's own getrusage), CPU per 1,000
 * systems (user + sys of the child), database KB per system and bytes written, for a paced 3,362
 * pass, a 100k unpaced pass, and a 100k unpaced pass with PMP_PAGE_SIZE=auto against a simulator
 * that honours 1000 (D74), each as `node dist/main.js` and as the bin through a symlink; and the
 * 100k pass into PostgreSQL (D109), when a server is configured.
 * Run alone with `node --import tsx bench/footprint.ts` (`--postgres`: that row only; `auto`: the
 * PMP_PAGE_SIZE=auto rows only; `batched`: the two passes in default batches, D142); `npm run bench`
 * runs it too.
 */
import { batchedPasses, type BatchedResult } from './batched-pass.ts';
import { runPass, type PassConfig, type PassResult } from './cli-pass.ts';
import { benchDatabaseUrl, postgresDatabase } from './postgres-target.ts';

const PAGE_SIZE = 25;

/** Bytes as MiB with one decimal, as the table shows them. */
const mb = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);

function config(
  systems: number,
  delayMs: number,
  invocation: 'node' | 'bin',
  pageSize: 'auto' | null = null,
): PassConfig {
  const how = invocation === 'node' ? 'node dist/main.js' : 'bin (symlink + shebang)';
  return {
    name: `${systems.toLocaleString('en-US')} systems, d=${delayMs}${pageSize === null ? '' : ', PMP_PAGE_SIZE=auto'}, ${how}`,
    profile: 'clean',
    delayMs,
    latencyMs: 0,
    // The default cap: pagelimit honoured up to 1000, the limit echoed.
    simSettings: { systems },
    // Pages of 25 under auto too (D74): the batch covers the whole pass either way.
    batchPages: Math.ceil(systems / PAGE_SIZE) + 100,
    invocation,
    ...(pageSize === null ? {} : { env: { PMP_PAGE_SIZE: pageSize } }),
  };
}

const AUTO_CONFIGS: readonly PassConfig[] = [
  config(100_000, 0, 'node', 'auto'),
  config(100_000, 0, 'bin', 'auto'),
];

/**
 * The bound for a hostile body: page 2 answers once with a 50 MB body (over the default 10 MiB
 * PMP_MAX_BODY_BYTES, so it is read up to the cap and dropped), then normally.
 */
const HUGE_BODY: PassConfig = {
  ...config(3362, 0, 'node'),
  name: '3,362 systems, d=0, page 2 answers a 50 MB body once, node dist/main.js',
  simSettings: { systems: 3362, pageScripts: { 2: [{ kind: 'huge_body', bytes: 50_000_000 }] } },
};

/** The SQLite 100k pass the PostgreSQL row is measured beside (same simulator, same settings). */
const SQLITE_100K = config(100_000, 0, 'node');

export const FOOTPRINT_CONFIGS: readonly PassConfig[] = [
  config(3362, 250, 'node'),
  config(3362, 250, 'bin'),
  SQLITE_100K,
  config(100_000, 0, 'bin'),
  ...AUTO_CONFIGS,
  HUGE_BODY,
];

export async function footprintRows(configs: readonly PassConfig[] = FOOTPRINT_CONFIGS): Promise<string[][]> {
  const rows = [
    [
      'pass',
      'systems',
      'page requests',
      'wall s',
      'floor s',
      'peak RSS MiB (median)',
      'peak RSS of each run MiB',
      'CPU ms/1000 (median)',
      'DB KiB/system',
      'writes MiB',
      'writes / DB',
    ],
  ];
  for (const pass of configs) {
    process.stderr.write(`footprint: ${pass.name} ...\n`);
    rows.push(footprintRow(pass.name, await runPasses(pass)));
    if (pass === SQLITE_100K) rows.push(await postgresRow());
  }
  if (configs === FOOTPRINT_CONFIGS) rows.push(...(await batchedRows()));
  return rows;
}

/**
 * D142: 100,000 systems as cron runs them, one run per default batch of 50 pages (one run each: a pass
 * is 80 runs, and the 8th pass needs the first one's file). RSS is the largest of the runs' peaks.
 */
async function batchedRows(): Promise<string[][]> {
  process.stderr.write('footprint: 100,000 systems in default batches (2 passes of 80 runs) ...\n');
  return (await batchedPasses(100_000)).map((pass: BatchedResult) => {
    const peak = pass.peakRssKb === null ? 'n/a' : (pass.peakRssKb / 1024).toFixed(1);
    return [
      `100,000 systems, d=0, PMP_BATCH_PAGES default (${pass.runs} runs), ${pass.name}, node dist/main.js`,
      String(pass.systems),
      String(pass.requests),
      (pass.wallMs / 1000).toFixed(2),
      'n/a',
      peak,
      `largest of ${pass.runs}: ${peak}`,
      pass.cpuMs === null ? 'n/a' : (pass.cpuMs / (pass.systems / 1000)).toFixed(1),
      (pass.dbBytes / 1024 / pass.systems).toFixed(2),
      pass.writeBytes === null ? 'n/a' : mb(pass.writeBytes),
      pass.writeBytes === null ? 'n/a' : (pass.writeBytes / pass.dbBytes).toFixed(1),
    ];
  });
}

/**
 * Runs of each pass: peak RSS varies by a few MiB from run to run (when the collector runs against
 * when a page arrives), so a row gives the median of RUNS and every run's figure beside it.
 */
const RUNS = 3;

async function runPasses(pass: PassConfig): Promise<PassResult[]> {
  const results: PassResult[] = [];
  for (let run = 0; run < RUNS; run += 1) results.push(await runPass(pass));
  return results;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

function footprintRow(name: string, runs: readonly PassResult[], serverWrites = false): string[] {
  const r = runs[0];
  if (r === undefined) throw new Error(`${name}: no run`);
  // The server writes a PostgreSQL pass's data: the extractor's own writes say nothing about it.
  const writes = serverWrites || r.writeBytes === null ? null : r.writeBytes;
  const rssKb = runs.flatMap((run) => (run.peakRssKb === null ? [] : [run.peakRssKb]));
  const cpuMs = median(runs.flatMap((run) => (run.cpuMs === null ? [] : [run.cpuMs])));
  const peak = median(rssKb);
  return [
    name,
    String(r.systems),
    String(r.requests),
    (r.wallMs / 1000).toFixed(2),
    (r.floorMs / 1000).toFixed(2),
    peak === null ? 'n/a' : (peak / 1024).toFixed(1),
    rssKb.map((kb) => (kb / 1024).toFixed(1)).join(', '),
    cpuMs === null ? 'n/a' : (cpuMs / (r.systems / 1000)).toFixed(1),
    (r.dbBytes / 1024 / r.systems).toFixed(2),
    writes === null ? 'n/a' : mb(writes),
    writes === null ? 'n/a' : (writes / r.dbBytes).toFixed(1),
  ];
}

const POSTGRES_ROW = '100,000 systems into PostgreSQL, d=0, node dist/main.js';

/**
 * 100k systems unpaced into a fresh schema of the bench server (D109). Wall, peak RSS and CPU are the
 * extractor's (the server's CPU is not counted); the size is the schema's relations.
 */
async function postgresRow(): Promise<string[]> {
  const url = benchDatabaseUrl();
  if (url === null) {
    const note = 'skipped: no server (set PMP_BENCH_DATABASE_URL or PMP_TEST_DATABASE_URL)';
    return [POSTGRES_ROW, note, '', '', '', '', '', '', '', '', ''];
  }
  process.stderr.write(`footprint: ${POSTGRES_ROW} ...\n`);
  const database = postgresDatabase(url);
  try {
    return footprintRow(
      POSTGRES_ROW,
      [await runPass({ ...SQLITE_100K, name: POSTGRES_ROW, database })],
      true,
    );
  } finally {
    await database.drop();
  }
}

if (process.argv[1]?.endsWith('footprint.ts') === true) {
  const rows = process.argv.includes('--postgres')
    ? [await postgresRow()]
    : process.argv.includes('batched')
      ? await batchedRows()
      : await footprintRows(process.argv.includes('auto') ? AUTO_CONFIGS : FOOTPRINT_CONFIGS);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}
