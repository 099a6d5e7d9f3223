/**
 * After the batches: one `run_complete` event, the Prometheus textfile, a Slack flush and the
 * POST_EXTRACTION_HOOK (D10: only after a run that changed data; its failure is a WARNING only).
 */
import { LIMITS, type Config } from '../config/index.ts';
import { loggedOutcome, type RunSummary } from '../extract/index.ts';
import {
  runPostExtractionHook,
  writeMetricsFile,
  type FlushableEventLogger,
  type RunMetrics,
  type SlackNotifier,
} from '../observability/index.ts';
import type { TokenRefreshReason } from '../platform/index.ts';
import type { Store } from '../store/index.ts';
import { EXIT, type ExitCode } from '../cli/exit-codes.ts';
import type { ProcessIO } from './io.ts';

export async function finishRun(args: {
  io: ProcessIO;
  config: Config;
  logger: FlushableEventLogger;
  store: Store;
  summaries: readonly RunSummary[];
  code: ExitCode;
  /** When the run started (epoch ms): its duration counts set-up and failures, not only batches. */
  startMs: number;
  metrics: RunMetrics;
  slack: SlackNotifier;
  tokens: { stats(): { refreshes: Record<TokenRefreshReason, number> } };
}): Promise<ExitCode> {
  const { io, config, logger, summaries, code, metrics } = args;
  const last = summaries.at(-1) ?? null;
  let filled = false;
  const complete = async (exitCode: ExitCode, outcome: string): Promise<void> => {
    const durationMs = io.clock.nowMs() - args.startMs;
    // D8: snapshot_id where known, so a run's last line says which snapshot it worked on.
    (last === null ? logger : logger.withSnapshot(last.snapshotId)).emit('run_complete', {
      exit_code: exitCode,
      outcome,
      duration_ms: durationMs,
    });
    if (config.metricsFile === null) return;
    // The counters are filled once; a second run_complete (D57) only corrects exit code and duration.
    if (!filled) {
      fillMetrics(metrics, summaries, args.tokens.stats().refreshes, exitCode, {
        nowMs: io.clock.nowMs(),
        durationMs,
      });
      filled = true;
    }
    metrics.setExitCode(exitCode);
    metrics.setRunDurationSeconds(durationMs / 1000);
    await writeMetricsQuietly(config.metricsFile, metrics, io);
  };
  await complete(code, last === null ? 'failed' : loggedOutcome(last.outcome));
  await args.slack.flush();
  if (config.postExtractionHook !== null && summaries.some((summary) => summary.changedData)) {
    const hook = await runPostExtractionHook({
      command: config.postExtractionHook,
      env: {
        PMP_SNAPSHOT_ID: last?.snapshotId ?? null,
        PMP_COVERAGE_PCT: last?.coveragePct ?? 0,
        PMP_TARGET_MET: last?.targetMet ?? false,
        PMP_EXIT_CODE: code,
        PMP_DB_PATH: config.dbPath,
      },
      baseEnv: io.env,
      clock: io.clock,
      logger,
      timeoutMs: config.hookTimeoutMs,
      killGraceMs: LIMITS.hookKillGraceMs,
      signal: io.signal,
    });
    // D57: a signal that stopped the hook makes the run deferred; the last line says so.
    if (hook.interrupted && code !== EXIT.deferred) {
      await complete(EXIT.deferred, 'interrupted');
      return EXIT.deferred;
    }
  }
  return code;
}

function fillMetrics(
  metrics: RunMetrics,
  summaries: readonly RunSummary[],
  refreshes: Record<TokenRefreshReason, number>,
  code: number,
  time: { nowMs: number; durationMs: number },
): void {
  const last = summaries.at(-1);
  if (last !== undefined) {
    metrics.setCoverageRatio(last.coveragePct / 100);
    metrics.setSystems(last.systemsExtracted, last.totalSystems);
    if (last.targetMet) metrics.setLastSuccessTimestampSeconds(Math.floor(time.nowMs / 1000));
  }
  for (const summary of summaries) {
    for (let i = 0; i < summary.pagesOk; i += 1) metrics.pageDone('ok');
  }
  // Failed attempts and rejected records were counted by the page source as they happened.
  for (const [reason, count] of Object.entries(refreshes) as [TokenRefreshReason, number][]) {
    for (let i = 0; i < count; i += 1) metrics.tokenRefresh(reason);
  }
  metrics.setRunDurationSeconds(time.durationMs / 1000);
  metrics.setExitCode(code);
}

/** Metrics are an observer: a file that cannot be written is reported on stderr, never fatal. */
export async function writeMetricsQuietly(path: string, metrics: RunMetrics, io: ProcessIO): Promise<void> {
  try {
    await writeMetricsFile(path, metrics);
  } catch (error) {
    io.stderr.write(
      `pmp-extractor: could not write metrics file: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
