/**
 * Everything the CLI takes from the process, gathered by src/main.ts (the only file that touches
 * `process`) and passed down explicitly.
 */
import type { Clock, HttpClient } from '../platform/index.ts';
import type { DrainGuard } from './drain-guard.ts';

export interface TextOutput {
  write(text: string): unknown;
}

export interface ProcessIO {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** `isTTY`: stdout is a terminal (then the progress bar is not drawn over the JSON lines). */
  stdout: TextOutput & { isTTY?: boolean };
  /**
   * The file descriptor behind `stdout` (1 in main.ts), or null. Log lines are written to it
   * synchronously, so none are lost to an async pipe when the process exits.
   */
  stdoutFd: number | null;
  stderr: TextOutput & { isTTY?: boolean; columns?: number };
  homeDir: string;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: the run finishes or abandons its page, commits, and exits 3. */
  signal: AbortSignal;
  /** One keep-alive node:http client for the run: the API, the token endpoint and Slack (D65). */
  http: HttpClient;
  clock: Clock;
  random: () => number;
  version: string;
  /** This process and a liveness probe, so a lock left by a killed run is taken over at once. */
  pid: number;
  hostname: string;
  isProcessAlive(pid: number): boolean;
  /** main.ts's guard against a drained event loop (D55); absent in tests that call commands directly. */
  drainGuard?: Pick<DrainGuard, 'setLastWords'>;
}

/** The simulator as the CLI sees it. main.ts lazy-loads src/simulator, so extraction never loads it. */
interface SimulatorHandle {
  url: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  close(): Promise<void>;
}

export type SimulatorFactory = (options: {
  profile: string;
  seed: number;
  port: number;
  /** The simulator's pagelimit cap (`--page-cap`, D74); its default when absent. */
  pageLimitCap?: { max: number; over: 'echo' | 'silent' | 'hang' };
}) => Promise<SimulatorHandle>;
