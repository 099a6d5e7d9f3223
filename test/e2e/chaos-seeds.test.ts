/**
 * The chaos proof in npm test (D60): seeds 1 to 3 of the simulator's `chaos` profile, run to
 * convergence the way cron runs the built CLI. `npm run test:chaos` runs the same runner for 20 seeds
 * and writes RELIABILITY.md. Every seed must lose no live system, store no duplicate, stay inside Zoho's
 * 10 token requests per 10 minutes and exit only with documented codes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runChaosSeeds, type SeedResult } from '../support/chaos-run.ts';

const CI_SEEDS = [1, 2, 3];
let results: SeedResult[] = [];

beforeAll(async () => {
  results = await runChaosSeeds(CI_SEEDS, CI_SEEDS.length);
}, 120_000);

describe.each(CI_SEEDS)('chaos seed %i, run like cron', (seed) => {
  const result = (): SeedResult => {
    const found = results.find((entry) => entry.seed === seed);
    if (found === undefined) throw new Error(`seed ${seed} did not run`);
    return found;
  };

  it('converges to a success snapshot within the run cap, exiting only with codes 0..3', () => {
    expect(result()).toMatchObject({ converged: true, finalStatus: 'success' });
    for (const code of result().exitCodes) expect([0, 1, 2, 3]).toContain(code);
  });

  it('loses no live system and stores no duplicate', () => {
    expect(result()).toMatchObject({ lost: 0, duplicates: 0 });
    expect(result().stored).toBeGreaterThanOrEqual(result().truth);
  });

  it('asks for at most 10 tokens in any 10 minutes', () => {
    expect(result().tokenRequests).toBeGreaterThan(0);
    expect(result().maxTokensPer10Min).toBeLessThanOrEqual(10);
  });

  it('meets faults on some pages and recovers most of them', () => {
    expect(result().failedPages).toBeGreaterThan(0);
    expect(result().recoveredPages / result().failedPages).toBeGreaterThanOrEqual(0.8);
  });
});
