/**
 * Issue 12 #8, D57: SIGTERM while POST_EXTRACTION_HOOK runs. The hook leads a process group of its
 * own; the signal stops the whole group (the shell and a background child it started), the run exits
 * 3 and its last line is a run_complete with exit_code 3, so nothing keeps the lock for minutes.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { isRunning, runningInGroup, waitForFile } from '../support/processes.ts';
import { eventsOf, fastEnv, startCli, tempDir } from '../support/run-cli.ts';

const sims: Simulator[] = [];
const leftovers: number[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
  // A failing assertion must not leave 30 s sleeps behind on a shared machine.
  for (const pid of leftovers.splice(0)) {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
});

describe('SIGTERM during POST_EXTRACTION_HOOK', () => {
  it('kills the hook’s process group, exits 3 and logs run_complete with exit_code 3', async () => {
    const sim = await createSimulator({ profile: 'clean', seed: 8, settings: { systems: 60 } });
    sims.push(sim);
    const dir = tempDir('pmp-e2e-hook-signal-');
    const shellPidFile = join(dir, 'shell.pid');
    const childPidFile = join(dir, 'child.pid');
    const run = startCli([], {
      ...fastEnv(sim.url, sim.credentials),
      HOME: dir,
      PMP_DB_PATH: join(dir, 'pmp.db'),
      POST_EXTRACTION_HOOK: `sleep 30 & echo $! > '${childPidFile}'; echo $$ > '${shellPidFile}'; sleep 30`,
    });
    const shellPid = Number(await waitForFile(shellPidFile, 15_000));
    const childPid = Number(await waitForFile(childPidFile, 1_000));
    leftovers.push(shellPid, childPid);
    expect(isRunning(childPid)).toBe(true);
    const signalledMs = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.done;

    expect(result.code).toBe(3);
    // SIGTERM ends the hook at once: no wait for the 30 s sleeps or the 5 s SIGKILL grace.
    expect(Date.now() - signalledMs).toBeLessThan(4_000);
    expect(result.events.at(-1)).toMatchObject({
      event_type: 'run_complete',
      exit_code: 3,
      outcome: 'interrupted',
    });
    expect(eventsOf(result, 'hook_failed')).toEqual([
      expect.objectContaining({ error_message: 'hook stopped: received SIGTERM', timed_out: false }),
    ]);
    expect(isRunning(childPid)).toBe(false);
    expect(runningInGroup(shellPid)).toEqual([]);
  });
});
