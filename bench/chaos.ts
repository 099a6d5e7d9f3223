/**
 * `npm run test:chaos` (D60): 20 seeds of the simulator's `chaos` profile, each run to convergence the
 * way cron runs the built CLI, then RELIABILITY.md at the repository root. Exits 1 when a seed lost a
 * system, stored a duplicate, spent more than 10 tokens in 10 minutes, did not converge or exited
 * outside 0..3. Seeds: CHAOS_SEEDS (default 20), CHAOS_CONCURRENCY (default 4: seeds mostly wait).
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { runChaosSeeds, type SeedResult } from '../test/support/chaos-run.ts';
import { reliabilityMarkdown } from './reliability-report.ts';

const seedCount = Number(process.env['CHAOS_SEEDS'] ?? '20');
const concurrency = Number(process.env['CHAOS_CONCURRENCY'] ?? '4');
const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);

function problemsOf(result: SeedResult): string[] {
  const problems: string[] = [];
  if (!result.converged) problems.push(`not converged (${result.finalStatus})`);
  if (result.lost > 0) problems.push(`${result.lost} lost`);
  if (result.duplicates > 0) problems.push(`${result.duplicates} duplicates`);
  if (result.maxTokensPer10Min > 10) problems.push(`${result.maxTokensPer10Min} tokens in 10 min`);
  if (result.exitCodes.some((code) => code === null || code < 0 || code > 3))
    problems.push(`exit codes ${result.exitCodes.join(' ')}`);
  return problems;
}

const results = await runChaosSeeds(seeds, concurrency);
const target = resolve(dirname(fileURLToPath(import.meta.url)), '../RELIABILITY.md');
// Formatted as `npm run format:check` expects, so a regenerated file never breaks CI.
const markdown = reliabilityMarkdown(results, new Date().toISOString());
writeFileSync(target, await format(markdown, { ...(await resolveConfig(target)), filepath: target }));
let failures = 0;
for (const result of results) {
  const problems = problemsOf(result);
  if (problems.length > 0) failures += 1;
  console.log(
    `seed ${String(result.seed).padStart(2)}: runs ${result.exitCodes.join(' ')}, lost ${result.lost}, ` +
      `stale ${result.stale}, duplicates ${result.duplicates}, tokens/10 min ${result.maxTokensPer10Min}, ` +
      `recovered ${result.recoveredPages}/${result.failedPages}${problems.length > 0 ? `  FAIL: ${problems.join(', ')}` : ''}`,
  );
}
console.log(`${results.length - failures} of ${results.length} seeds held; wrote ${target}`);
process.exitCode = failures === 0 ? 0 : 1;
