/**
 * The CLI in-process against a real simulator: captured IO with the real HTTP client and clock, the
 * simulator factory `demo` uses, and the environment that points a run at a simulator.
 */
import { afterEach } from 'vitest';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';
import { createHttpClient, systemClock } from '../../src/platform/index.ts';
import type { ProcessIO, SimulatorFactory } from '../../src/app/index.ts';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

export async function startSim(options: SimulatorOptions): Promise<Simulator> {
  const sim = await createSimulator(options);
  sims.push(sim);
  return sim;
}

export const simulatorFactory: SimulatorFactory = async (options) => {
  const sim = await createSimulator({
    profile: options.profile as 'seed',
    seed: options.seed,
    port: options.port,
  });
  sims.push(sim);
  return sim;
};

export interface Captured {
  io: ProcessIO;
  stdout: () => string;
  stderr: () => string;
  controller: AbortController;
}

export function capture(argv: string[], env: Record<string, string | undefined>, dir: string): Captured {
  let out = '';
  let err = '';
  const controller = new AbortController();
  const io: ProcessIO = {
    argv,
    env,
    stdout: { write: (text: string) => (out += text) },
    stdoutFd: null,
    stderr: { write: (text: string) => (err += text), isTTY: false },
    homeDir: dir,
    cwd: dir,
    signal: controller.signal,
    http: createHttpClient(),
    clock: systemClock,
    random: Math.random,
    version: '0.1.0',
    pid: 999_999_999,
    hostname: 'test-host',
    isProcessAlive: () => false,
  };
  return { io, stdout: () => out, stderr: () => err, controller };
}

export function simEnv(sim: Simulator, dbPath: string): Record<string, string> {
  return {
    PMP_SERVER_URL: sim.url,
    PMP_ACCOUNTS_URL: sim.url,
    PMP_CLIENT_ID: sim.credentials.clientId,
    PMP_CLIENT_SECRET: sim.credentials.clientSecret,
    PMP_REFRESH_TOKEN: sim.credentials.refreshToken,
    PMP_DB_PATH: dbPath,
    PMP_PAGE_DELAY_MS: '0',
    PMP_BACKOFF_BASE_MS: '5',
    PMP_THROTTLE_WAIT_MS: '5',
    PMP_REQUEST_TIMEOUT_MS: '2000',
  };
}
