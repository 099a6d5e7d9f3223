/**
 * After the batches: one `run_complete` event, the Prometheus textfile, a Slack flush and the
 * POST_EXTRACTION_HOOK (D10: only after a run that changed data; its failure is a WARNING only).
 */
import { databaseLocation, dbUrlWithoutPassword, LIMITS, type Config } from '../config/index.ts';
import { loggedOutcome, type RunSummary } from '../extract/index.ts';
import {
  runPostExtractionHook,
  type FlushableEventLogger,
  type HookDatabase,
  type RunMetrics,
  type SlackNotifier,
} from '../observability/index.ts';
import type { TokenRefreshReason } from '../platform/index.ts';
import type { Store } from '../store/index.ts';
import { EXIT, type ExitCode } from '../cli/exit-codes.ts';
import type { ProcessIO } from './io.ts';
import { writeRunMetrics } from './run-metrics.ts';

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
  tokens: {
    stats(): {
      refreshes: Record<TokenRefreshReason, number>;
      failures: Record<TokenRefreshReason, number>;
    };
  };
}): Promise<ExitCode> {
  const { io, config, logger, summaries, code, metrics } = args;
  const last = summaries.at(-1) ?? null;
  // Emits run_complete and writes the metrics file; called again (D57) when a signal stopped the hook.
  const complete = async (exitCode: ExitCode, outcome: string): Promise<void> => {
    const durationMs = io.clock.nowMs() - args.startMs;
    // D8: snapshot_id where known, so a run's last line says which snapshot it worked on.
    (last === null ? logger : logger.withSnapshot(last.snapshotId)).emit('run_complete', {
      exit_code: exitCode,
      outcome,
      duration_ms: durationMs,
    });
    if (config.metricsFile === null) return;
    const { refreshes, failures } = args.tokens.stats();
    await writeRunMetrics({
      io,
      path: config.metricsFile,
      account: config.account,
      startMs: args.startMs,
      store: args.store,
      database: null,
      metrics,
      lastRun: {
        exitCode,
        outcome,
        pagesOk: sum(summaries.map((summary) => summary.pagesOk)),
        pagesFailed: sum(summaries.map((summary) => summary.pagesFailed)),
        tokenRequests: sum([...Object.values(refreshes), ...Object.values(failures)]),
      },
    });
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
        database: hookDatabase(config),
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

/** D107: SQLite's path, or PostgreSQL's URL without its password and the schema. */
function hookDatabase(config: Config): HookDatabase {
  const location = databaseLocation(config);
  return location.kind === 'sqlite'
    ? { PMP_DB_PATH: location.path }
    : { PMP_DB_URL: dbUrlWithoutPassword(location.url), PMP_DB_SCHEMA: location.schema };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
