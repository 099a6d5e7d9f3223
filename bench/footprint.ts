/**
 * The footprint rows of issue 11: peak RSS (GNU time, the child's own getrusage), CPU per 1,000
 * systems (user + sys of the child), database KB per system and bytes written, for a paced 3,362
 * pass, a 100k unpaced pass, and a 100k unpaced pass with PMP_PAGE_SIZE=auto against a simulator
 * that honours 1000 (D74), each as `node dist/main.js` and as the bin through a symlink.
 * Run alone with `node --import tsx bench/footprint.ts [auto]` (`auto`: only the auto rows);
 * `npm run bench` runs them all.
 */
import { runPass, type PassConfig } from './cli-pass.ts';

const PAGE_SIZE = 25;

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

export const FOOTPRINT_CONFIGS: readonly PassConfig[] = [
  config(3362, 250, 'node'),
  config(3362, 250, 'bin'),
  config(100_000, 0, 'node'),
  config(100_000, 0, 'bin'),
  ...AUTO_CONFIGS,
];

export async function footprintRows(configs: readonly PassConfig[] = FOOTPRINT_CONFIGS): Promise<string[][]> {
  const rows = [
    [
      'pass',
      'systems',
      'page requests',
      'wall s',
      'floor s',
      'peak RSS MiB',
      'CPU ms/1000',
      'DB KiB/system',
      'writes MiB',
      'writes / DB',
    ],
  ];
  for (const pass of configs) {
    process.stderr.write(`footprint: ${pass.name} ...\n`);
    const r = await runPass(pass);
    const mb = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);
    rows.push([
      pass.name,
      String(r.systems),
      String(r.requests),
      (r.wallMs / 1000).toFixed(2),
      (r.floorMs / 1000).toFixed(2),
      r.peakRssKb === null ? 'n/a' : (r.peakRssKb / 1024).toFixed(1),
      r.cpuMs === null ? 'n/a' : (r.cpuMs / (r.systems / 1000)).toFixed(1),
      (r.dbBytes / 1024 / r.systems).toFixed(2),
      r.writeBytes === null ? 'n/a' : mb(r.writeBytes),
      r.writeBytes === null ? 'n/a' : (r.writeBytes / r.dbBytes).toFixed(1),
    ]);
  }
  return rows;
}

if (process.argv[1]?.endsWith('footprint.ts') === true) {
  const configs = process.argv[2] === 'auto' ? AUTO_CONFIGS : FOOTPRINT_CONFIGS;
  for (const row of await footprintRows(configs)) console.log(`| ${row.join(' | ')} |`);
}
