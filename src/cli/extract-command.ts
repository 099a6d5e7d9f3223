/**
 * `pmp-extractor` (one batch, or batches until complete with --until-complete): the composition
 * root of an extraction. It builds the real parts from the validated config, holds the run lock,
 * runs the loop, then writes metrics, flushes Slack and runs the post-extraction hook.
 */
import { createApiClient } from '../api/index.ts';
import { createTokenManager } from '../auth/index.ts';
import { resolveCredentials, secretValues, type Config } from '../config/index.ts';
import { runExtract } from '../extract/run-extract.ts';
import type { RunSummary } from '../extract/run-outcome.ts';
import {
  createProgressReporter,
  createRunMetrics,
  createSlackNotifier,
  type FlushableEventLogger,
} from '../observability/index.ts';
import { createPacer } from '../retry/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { EXIT, exitCodeForOutcome, type ExitCode } from './exit-codes.ts';
import { finishRun } from './finish-run.ts';
import type { ProcessIO } from './io.ts';
import { acquireLockOrDefer } from './lock.ts';
import { openRunLogger, reportFailure, type RunLogging } from './logging.ts';
import type { ExtractFlags } from './parse-args.ts';
import { createPageSource } from './page-source.ts';
import { createRunObserver } from './run-observer.ts';

/** FR-1's checkpoint cadence, pages. */
const COMMIT_EVERY_PAGES = 10;
/** D6: sweeps of the open gaps before a below-target pass is closed. */
const MAX_GAP_SWEEPS = 3;

export async function runExtractCommand(
  io: ProcessIO,
  flags: ExtractFlags,
  reset: boolean,
): Promise<ExitCode> {
  const logging = openRunLogger(io, flags);
  if (!logging.ok) return logging.code;
  const { config, logger, secrets } = logging;
  let store: Store | null = null;
  let releaseLock: (() => Promise<void>) | null = null;
  try {
    const credentials = resolveCredentials(io.env, { homeDir: io.homeDir });
    for (const secret of secretValues(credentials)) secrets.add(secret);
    logger.emit('run_start', {
      command: reset ? 'reset' : 'extract',
      db_path: config.dbPath,
      batch_pages: config.batchPages,
      target_pct: config.targetPct,
      version: io.version,
    });
    const lock = await acquireLockOrDefer(io, config.dbPath, logger);
    if (lock === null) return EXIT.deferred;
    releaseLock = () => lock.release();
    store = openStore({ path: config.dbPath });
    const openedStore = store;
    const tokens = createTokenManager({
      credentials,
      accountsUrl: config.accountsUrl,
      fetch: io.fetch,
      clock: io.clock,
      logger,
      store: openedStore,
      timeoutMs: config.requestTimeoutMs,
      commandTimeoutMs: config.tokenCommandTimeoutMs,
      backoffBaseMs: config.backoffBaseMs,
      tokenBudget: config.tokenBudget,
      onNewToken: (token) => {
        secrets.add(token);
      },
    });
    const client = createApiClient({
      baseUrl: config.serverUrl,
      fetch: io.fetch,
      pacer: createPacer(io.clock, config.pageDelayMs),
      timeoutMs: config.requestTimeoutMs,
      maxBodyBytes: config.maxBodyBytes,
      pageSize: config.pageSize,
    });
    const metrics = createRunMetrics();
    const slack = createSlackNotifier({
      url: config.slackWebhookUrl,
      fetch: io.fetch,
      clock: io.clock,
      logger,
      secrets,
    });
    const observer = createRunObserver({
      progress: createProgressReporter({
        stream: io.stderr as NodeJS.WritableStream,
        isTTY: io.stderr.isTTY === true,
        clock: io.clock,
      }),
      slack,
      metrics,
    });
    const pages = createPageSource({ client, tokens, clock: io.clock, policy: retryPolicyOf(config) });
    const summaries: RunSummary[] = [];
    let error: unknown = null;
    try {
      let firstBatch = true;
      for (;;) {
        const summary = await runExtract(
          { store: openedStore, pages, tokens, clock: io.clock, logger, observer },
          {
            batchPages: config.batchPages,
            targetPct: config.targetPct,
            commitEveryPages: COMMIT_EVERY_PAGES,
            maxGapSweeps: MAX_GAP_SWEEPS,
            reset: reset && firstBatch,
            signal: io.signal,
          },
        );
        summaries.push(summary);
        firstBatch = false;
        const progressed = summary.pagesAttempted > 0;
        if (!config.untilComplete || summary.outcome !== 'batch_complete' || !progressed) break;
      }
    } catch (caught) {
      error = caught;
    } finally {
      observer.stop();
    }
    const code =
      error === null
        ? exitCodeForOutcome(lastOf(summaries).outcome)
        : reportFailure(logger, io, secrets, error);
    await finishRun({ io, config, logger, store: openedStore, summaries, code, metrics, slack, tokens });
    return code;
  } catch (error) {
    return reportFailure(logger, io, secrets, error);
  } finally {
    store?.close();
    if (releaseLock !== null) await releaseLock();
    logger.flush();
  }
}

function retryPolicyOf(config: Config) {
  return {
    maxAttempts: config.maxAttempts,
    backoffBaseMs: config.backoffBaseMs,
    maxRetryAfterS: config.maxRetryAfterS,
    throttleWaitMs: config.throttleWaitMs,
  };
}

function lastOf<T>(items: readonly T[]): T {
  const last = items.at(-1);
  if (last === undefined) throw new Error('no batch ran');
  return last;
}

export type { RunLogging, FlushableEventLogger };
