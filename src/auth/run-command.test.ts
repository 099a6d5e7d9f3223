/** D32: a token command that times out or is aborted is killed with every process it started. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runShellCommand } from './run-command.ts';

let dir: string;
let pidFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmp-cmd-'));
  pidFile = join(dir, 'children.pid');
});
afterEach(() => {
  for (const pid of writtenPids()) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function writtenPids(): number[] {
  try {
    return readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Alive and not a zombie waiting to be reaped (Linux /proc; elsewhere a signal-0 probe). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function survivors(pids: readonly number[], withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two background sleeps and a foreground one, each recording its pid before the shell waits. */
const treeCommand = (file: string): string =>
  `sh -c 'sleep 30 & echo $! >> "${file}"; sleep 30 & echo $! >> "${file}"; wait' & echo $! >> "${file}"; wait`;

describe('runShellCommand kills the whole process group', () => {
  it('on timeout: no child or grandchild survives', async () => {
    const result = await runShellCommand(treeCommand(pidFile), 300);
    expect(result.timedOut).toBe(true);
    const pids = writtenPids();
    expect(pids).toHaveLength(3);
    expect(await survivors(pids, 2000)).toEqual([]);
  });

  it('on abort: no child or grandchild survives', async () => {
    const controller = new AbortController();
    const running = runShellCommand(treeCommand(pidFile), 10_000, controller.signal);
    for (let waited = 0; writtenPids().length < 3 && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort(new Error('SIGTERM'));
    await running;
    const pids = writtenPids();
    expect(pids).toHaveLength(3);
    expect(await survivors(pids, 2000)).toEqual([]);
  });

  it('a command that finishes normally is unaffected', async () => {
    expect(await runShellCommand('echo tok-123', 1000)).toEqual({
      exitCode: 0,
      timedOut: false,
      stdout: 'tok-123\n',
    });
  });
});
