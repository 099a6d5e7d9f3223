/**
 * SIGINT / SIGTERM during a run (issue 4, D10): the run stops after the current page, commits what it
 * has and exits 3; the next run resumes from the committed checkpoint and loses nothing.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { eventsOf, fastEnv, runCli, startCli, tempDir } from '../support/run-cli.ts';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

/** Resolves once the child's stdout has reported extraction progress past `page`. */
function progressPast(stream: NodeJS.ReadableStream, page: number): Promise<void> {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      const pages = [...buffered.matchAll(/"event_type":"extraction_progress"[^\n]*?"page":(\d+)/g)].map(
        (m) => Number(m[1]),
      );
      if (pages.some((seen) => seen > page)) {
        stream.removeListener('data', onData);
        resolve();
      }
    };
    stream.on('data', onData);
  });
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s during a run', (signal) => {
  it('commits the pages read, exits 3, and the next run resumes with nothing lost', async () => {
    const sim = await createSimulator({
      profile: 'clean',
      seed: 3,
      settings: { systems: 1000, latencyMs: [15, 15] },
    });
    sims.push(sim);
    const home = tempDir('pmp-e2e-signal-');
    const dbPath = join(home, 'pmp.db');
    const env = {
      ...fastEnv(sim.url, sim.credentials),
      HOME: home,
      PMP_DB_PATH: dbPath,
      PMP_PAGE_DELAY_MS: '20',
    };

    const run = startCli(['--batch-pages', '100'], env);
    const stdout = run.child.stdout;
    if (stdout === null) throw new Error('no stdout');
    await progressPast(stdout, 12);
    run.child.kill(signal);
    const stopped = await run.done;

    expect(stopped.code).toBe(3);
    expect(eventsOf(stopped, 'run_deferred')).toEqual([
      expect.objectContaining({ reason: 'interrupted', message: 'stopped by signal; state saved' }),
    ]);
    expect(eventsOf(stopped, 'run_complete')).toEqual([
      expect.objectContaining({ exit_code: 3, outcome: 'interrupted' }),
    ]);
    // Every page the run reported as done is committed: the checkpoint is the last page it read.
    const reported = eventsOf(stopped, 'extraction_progress').map((event) => event['page'] as number);
    const db = new Database(dbPath, { readonly: true });
    const checkpoint = db
      .prepare('SELECT last_page, systems_extracted FROM extraction_checkpoints')
      .get() as {
      last_page: number;
      systems_extracted: number;
    };
    db.close();
    expect(checkpoint.last_page).toBe(Math.max(...reported));
    expect(checkpoint.systems_extracted).toBe(checkpoint.last_page * 25);
    expect(checkpoint.last_page).toBeLessThan(40);

    const resumed = await runCli(['--batch-pages', '100'], env);
    expect(resumed.code).toBe(0);
    expect(eventsOf(resumed, 'batch_start')[0]).toMatchObject({
      start_page: checkpoint.last_page + 1,
      resumed: true,
    });
    expect(eventsOf(resumed, 'target_met')).toHaveLength(1);
    const final = new Database(dbPath, { readonly: true });
    const ids = final
      .prepare('SELECT resource_id FROM systems ORDER BY resource_id')
      .pluck()
      .all() as string[];
    final.close();
    expect(ids).toEqual([...sim.groundTruthIds()].sort());
  });
});
