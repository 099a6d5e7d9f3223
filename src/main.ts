#!/usr/bin/env node
/**
 * Entry point: the only module that touches `process`. It gathers argv, env, streams and signals,
 * builds the real dependencies' roots (the HTTP client, clock, random) and turns the CLI's result into an
 * exit code. SIGINT/SIGTERM abort the run's signal; a second signal exits at once with 3.
 */
// First: the heap flags apply before the rest of the program allocates (D68).
import './heap-tuning.ts';
import { homedir, hostname } from 'node:os';
import process from 'node:process';
import { guardAgainstDrain, type ProcessIO, type SimulatorFactory } from './app/index.ts';
import { runCli } from './cli/index.ts';
import type { ProfileName } from './simulator/index.ts';
import { createHttpClient, errorCodeOf, systemClock } from './platform/index.ts';
import { PACKAGE_VERSION } from './version.ts';

const controller = new AbortController();
let signalsSeen = 0;
const onSignal = (name: NodeJS.Signals): void => {
  signalsSeen += 1;
  if (signalsSeen > 1) process.exit(3);
  controller.abort(new Error(`received ${name}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// stderr on a full disk or a closed pipe: it is the last place to report to, so its errors end here
// instead of crashing the run (D56).
process.stderr.on('error', () => undefined);

// D55: an event loop that drains before the command settles exits 1, never a silent 0.
const drainGuard = guardAgainstDrain(process, process.stderr);

const io: ProcessIO = {
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stdoutFd: 1,
  stderr: process.stderr,
  homeDir: homedir(),
  cwd: process.cwd(),
  signal: controller.signal,
  // node:http, not global fetch: fetch loads undici and its WebAssembly parser (~15 MB, D65).
  http: createHttpClient(),
  clock: systemClock,
  random: Math.random,
  version: PACKAGE_VERSION,
  drainGuard,
  pid: process.pid,
  hostname: hostname(),
  isProcessAlive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists but belongs to someone else.
      return errorCodeOf(error) === 'EPERM';
    }
  },
};

// Lazy, so an extraction run never loads simulator code (the lint rule keeps src/ from importing it).
const simulator: SimulatorFactory = async (options) => {
  const { createSimulator } = await import('./simulator/index.ts');
  const { pageLimitCap } = options;
  return createSimulator({
    profile: options.profile as ProfileName,
    seed: options.seed,
    port: options.port,
    settings: pageLimitCap === undefined ? {} : { pageLimitCap },
  });
};

async function main(): Promise<number> {
  try {
    return await runCli(io, simulator);
  } catch (error) {
    // Last resort: the commands report their own failures; this catches a bug or an environment
    // problem (a port in use, an unwritable folder) with one line instead of a stack trace.
    process.stderr.write(`pmp-extractor: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const code = await main();
drainGuard.settled();
// Logs are written synchronously, so exiting now loses nothing; it also stops timers (lock refresh,
// Slack) that would otherwise keep a finished cron run alive.
process.exit(code);
