/**
 * Spawns a child process and measures it: wall time (spawn → close), peak RSS and CPU time.
 * Peak RSS comes from GNU time (`/usr/bin/time -f`, getrusage of the exited child: exact). Without it,
 * /proc/<pid>/status is polled every 50 ms and the largest VmHWM/VmRSS seen is kept (a lower bound).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

/** How peak RSS was measured: GNU time's report, polling /proc, or not at all. */
type RssMethod = 'gnu-time' | 'proc-poll' | 'none';

export interface ChildMeasurement {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set size of the child in KiB, null when it could not be measured. */
  peakRssKb: number | null;
  /** User + system CPU of the child in ms (GNU time only), null otherwise. */
  cpuMs: number | null;
  /**
   * Bytes the child wrote to storage (GNU time's %O: getrusage ru_oublock, which Linux derives from
   * /proc/<pid>/io write_bytes in 512-byte units), null without GNU time.
   */
  writeBytes: number | null;
  rssMethod: RssMethod;
}

function gnuTimeWorks(): boolean {
  // BENCH_RSS=poll forces the /proc fallback (to check it on a machine that has GNU time).
  return process.env['BENCH_RSS'] !== 'poll' && existsSync(GNU_TIME);
}

/** Largest of VmHWM and VmRSS in /proc/<pid>/status, in KiB; null once the process is gone. */
function readProcRssKb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let best: number | null = null;
    for (const key of ['VmHWM', 'VmRSS']) {
      const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      if (match?.[1] !== undefined) best = Math.max(best ?? 0, Number(match[1]));
    }
    return best;
  } catch {
    return null;
  }
}

/** GNU time's `-f '%M %U %S %O'` output (the last line: earlier ones may be "Command exited ..."). */
function parseGnuTime(text: string): { peakRssKb: number; cpuMs: number; writeBytes: number } | null {
  const lines = text.trim().split('\n');
  const match = /^(\d+) ([\d.]+) ([\d.]+) (\d+)$/.exec(lines.at(-1) ?? '');
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined || match[4] === undefined)
    return null;
  return {
    peakRssKb: Number(match[1]),
    cpuMs: Math.round((Number(match[2]) + Number(match[3])) * 1000),
    writeBytes: Number(match[4]) * 512,
  };
}

export async function measureChild(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<ChildMeasurement> {
  const useTime = gnuTimeWorks();
  const timeDir = useTime ? mkdtempSync(join(tmpdir(), 'pmp-bench-time-')) : null;
  const timeFile = timeDir === null ? null : join(timeDir, 'time.txt');
  const [file, argv] =
    timeFile === null
      ? [command, [...args]]
      : [GNU_TIME, ['-f', '%M %U %S %O', '-o', timeFile, command, ...args]];
  const startedMs = performance.now();
  const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  // Under GNU time the pid is time's own; the poll is only the fallback.
  const polled: { peakKb: number | null } = { peakKb: null };
  const poll =
    timeFile === null && child.pid !== undefined
      ? setInterval(
          (pid: number) => {
            const kb = readProcRssKb(pid);
            if (kb !== null) polled.peakKb = Math.max(polled.peakKb ?? 0, kb);
          },
          50,
          child.pid,
        )
      : null;

  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode, exitSignal) => {
        resolve({ code: exitCode, signal: exitSignal });
      });
    },
  );
  const wallMs = performance.now() - startedMs;
  if (poll !== null) clearInterval(poll);

  let peakRssKb: number | null = polled.peakKb;
  let cpuMs: number | null = null;
  let writeBytes: number | null = null;
  let rssMethod: RssMethod = peakRssKb === null ? 'none' : 'proc-poll';
  if (timeFile !== null && timeDir !== null) {
    const parsed = existsSync(timeFile) ? parseGnuTime(readFileSync(timeFile, 'utf8')) : null;
    rmSync(timeDir, { recursive: true, force: true });
    if (parsed !== null) {
      peakRssKb = parsed.peakRssKb;
      cpuMs = parsed.cpuMs;
      writeBytes = parsed.writeBytes;
      rssMethod = 'gnu-time';
    }
  }
  return { code, signal, stdout, stderr, wallMs, peakRssKb, cpuMs, writeBytes, rssMethod };
}
