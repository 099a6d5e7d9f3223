/**
 * `pmp-extractor check` with PMP_PAGE_SIZE=auto (D74), the built CLI against three simulators: one
 * that honours 1000, one that clamps to 25 without saying so, one where pages above 25 hang. Each
 * check makes exactly one probe request beyond its usual one-record page.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator, type SimSettings } from '../../src/simulator/index.ts';
import { fastEnv, runCliText } from '../support/run-cli.ts';
import { removeTempDir, tempDir } from '../support/temp-dir.ts';

const open: { sim: Simulator; dir: string }[] = [];

afterEach(async () => {
  for (const { sim, dir } of open.splice(0)) {
    await sim.close();
    removeTempDir(dir);
  }
});

async function check(cap: SimSettings['pageLimitCap'], extraEnv: Record<string, string> = {}) {
  const sim = await createSimulator({ profile: 'clean', settings: { systems: 3362, pageLimitCap: cap } });
  const dir = tempDir('pmp-check-auto-');
  open.push({ sim, dir });
  const env = { ...fastEnv(sim.url, sim.credentials), HOME: dir, PMP_PAGE_SIZE: 'auto', ...extraEnv };
  const run = await runCliText(['check', '--db', join(dir, 'check.db')], env);
  const pages = sim.stats().requests.filter((request) => request.page !== null);
  return { run, pageLimits: pages.map((request) => request.pageLimit) };
}

describe('pmp-extractor check with PMP_PAGE_SIZE=auto', () => {
  it('reports 1000 when the server honours it', async () => {
    const { run, pageLimits } = await check({ max: 1000, over: 'echo' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'auto size  1000, honoured (1000 records, limit 1000 echoed for pagelimit=1000)',
    );
    expect(pageLimits).toEqual([1, 1000]);
  });

  it('reports 25 when the server clamps to 25 silently', async () => {
    const { run, pageLimits } = await check({ max: 25, over: 'silent' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'auto size  25, capped silently (25 records, limit 1000 echoed for pagelimit=1000)',
    );
    expect(pageLimits).toEqual([1, 1000]);
  });

  it('reports the fallback when big pages hang, after one request timeout', async () => {
    const { run, pageLimits } = await check({ max: 25, over: 'hang' }, { PMP_REQUEST_TIMEOUT_MS: '500' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'auto size  pagelimit=1000 failed (network_timeout); a pass falls back to 25',
    );
    expect(pageLimits).toEqual([1, 1000]);
  });

  it('says nothing about auto when PMP_PAGE_SIZE is a number', async () => {
    const { run, pageLimits } = await check({ max: 1000, over: 'echo' }, { PMP_PAGE_SIZE: '25' });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('auto size');
    expect(pageLimits).toEqual([1]);
  });
});
