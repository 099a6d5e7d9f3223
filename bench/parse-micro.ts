/**
 * µs per 25-record scandetails page: today's lossless parse + normalise against the digit-safe parser
 * with its key plan, on real simulator pages. Run: `node --import tsx bench/parse-micro.ts`.
 * Best of several rounds (other load only slows a round down), wall and CPU time separately.
 */
import { parseScanDetailsPageDigitSafe } from '../src/api/parse-page-digit-safe.ts';
import { parseScanDetailsPage } from '../src/api/parse-page.ts';
import { simulatorPageBodies } from '../test/support/simulator-pages.ts';

const PAGE_SIZE = 25;
const PAGES = 20;
const ROUNDS = 10;
const ROUND_MS = 200;

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Best-round mean µs per page (wall, CPU), cycling through `bodies`. */
function measure(
  bodies: readonly string[],
  parse: (text: string, page: number) => unknown,
): [number, number] {
  for (let i = 0; i < 200; i += 1) parse(bodies[i % bodies.length] ?? '', (i % bodies.length) + 1);
  let bestWall = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round += 1) {
    let ops = 0;
    const cpuStart = cpuUs();
    const start = performance.now();
    while (performance.now() - start < ROUND_MS) {
      const index = ops % bodies.length;
      parse(bodies[index] ?? '', index + 1);
      ops += 1;
    }
    bestWall = Math.min(bestWall, ((performance.now() - start) * 1000) / ops);
    bestCpu = Math.min(bestCpu, (cpuUs() - cpuStart) / ops);
  }
  return [bestWall, bestCpu];
}

const bodies = await simulatorPageBodies({ seed: 1, pages: PAGES });
const bytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / bodies.length;
const rows: [string, (text: string, page: number) => unknown][] = [
  ['JSON.parse only (baseline, loses digits)', (text) => JSON.parse(text) as unknown],
  [
    'lossless parse + normalise (today)',
    (text, page) => parseScanDetailsPage(text, { page, pageSize: PAGE_SIZE }),
  ],
  [
    'digit-safe parse + planned normalise (new)',
    (text, page) => parseScanDetailsPageDigitSafe(text, { page, pageSize: PAGE_SIZE }),
  ],
];
console.log(`${PAGE_SIZE}-record pages, ${Math.round(bytes)} bytes each on average, Node ${process.version}`);
for (const [name, parse] of rows) {
  const [wallUs, cpu] = measure(bodies, parse);
  console.log(
    `${name.padEnd(46)} ${wallUs.toFixed(0).padStart(6)} µs/page wall ${cpu.toFixed(0).padStart(6)} µs CPU`,
  );
}
