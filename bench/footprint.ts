/**
 * The footprint rows of issue 11: peak RSS (GNU time, the child's own getrusage), CPU per 1,000
 * systems (user + sys of the child), database KB per system and bytes written, for a paced 3,362
 * pass and a 100k unpaced pass, each as `node dist/main.js` and as the bin through a symlink.
 * Run alone with `node --import tsx bench/footprint.ts`; `npm run bench` runs it too.
 */
import { runPass, type PassConfig } from './cli-pass.ts';

const PAGE_SIZE = 25;

function config(systems: number, delayMs: number, invocation: 'node' | 'bin'): PassConfig {
  return {
    name: `${systems.toLocaleString('en-US')} systems, d=${delayMs}, ${invocation === 'node' ? 'node dist/main.js' : 'bin (symlink + shebang)'}`,
    profile: 'clean',
    delayMs,
    latencyMs: 0,
    simSettings: { systems },
    batchPages: Math.ceil(systems / PAGE_SIZE) + 100,
    invocation,
  };
}

export const FOOTPRINT_CONFIGS: readonly PassConfig[] = [
  config(3362, 250, 'node'),
  config(3362, 250, 'bin'),
  config(100_000, 0, 'node'),
  config(100_000, 0, 'bin'),
];

export async function footprintRows(): Promise<string[][]> {
  const rows = [
    [
      'pass',
      'systems',
      'wall s',
      'floor s',
      'peak RSS MiB',
      'CPU ms/1000',
      'DB KiB/system',
      'writes MiB',
      'writes / DB',
    ],
  ];
  for (const pass of FOOTPRINT_CONFIGS) {
    process.stderr.write(`footprint: ${pass.name} ...\n`);
    const r = await runPass(pass);
    const mb = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);
    rows.push([
      pass.name,
      String(r.systems),
      (r.wallMs / 1000).toFixed(2),
      (r.floorMs / 1000).toFixed(2),
      r.peakRssKb === null ? 'n/a' : (r.peakRssKb / 1024).toFixed(1),
      r.cpuMs === null ? 'n/a' : (r.cpuMs / (r.systems / 1000)).toFixed(1),
      (r.dbBytes / 1024 / r.systems).toFixed(2),
      r.writeBytes === null ? 'n/a' : mb(r.writeBytes),
      r.writeBytes === null ? 'n/a' : (r.writeBytes / r.dbBytes).toFixed(1),
    ]);
  }
  rows.push([
    '100,000 systems, PMP_PAGE_SIZE=auto',
    'not measured yet (feature not on this branch)',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
  ]);
  return rows;
}

if (process.argv[1]?.endsWith('footprint.ts') === true) {
  for (const row of await footprintRows()) console.log(`| ${row.join(' | ')} |`);
}
