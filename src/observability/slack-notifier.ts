import type { Clock, ErrorType, EventLogger, FetchLike } from '../platform/index.ts';
import type { SecretRegistry } from './secrets.ts';
import { createSlackOutbox } from './slack-outbox.ts';
import {
  batchCompleteText,
  milestoneText,
  pageFailedText,
  runStartedText,
  targetMetText,
} from './slack-messages.ts';
import type { ChangeLine, ProgressBlock } from './slack-messages.ts';
import { validateWebhookUrl } from './slack-url.ts';

export interface SlackNotifierOptions {
  /** SLACK_WEBHOOK_URL; absent means disabled with no warning, invalid means disabled with one. */
  url: string | null | undefined;
  fetch: FetchLike;
  clock: Clock;
  logger: EventLogger;
  secrets: SecretRegistry;
  /** Per-POST timeout, ms (LIMITS.slackTimeoutMs, D9). */
  timeoutMs: number;
  /** Minimum spacing between POSTs, ms (LIMITS.slackMinIntervalMs, D9); messages in between are merged. */
  minIntervalMs: number;
  /** D41: every message starts with `[account] `, so a channel shared by accounts tells them apart. */
  account?: string;
}

interface SlackFlushOptions {
  /**
   * Wait up to this long (ms) for the rate-limit window before sending what is pending; beyond it
   * the message is sent at once. Default 0: the end of a run is not held up for a notification.
   */
  maxWaitMs?: number;
}

/** D9 notifications. Every method returns at once and never throws; flush awaits the sends. */
export interface SlackNotifier {
  readonly enabled: boolean;
  runStarted(args: { targetSystems: number | null; targetPct: number; startCoveragePct?: number }): void;
  /** Called on every page; sends only when coverage crosses 25, 50 or 75% (once each per run). */
  progress(args: ProgressBlock): void;
  batchComplete(args: { systems: number; coveragePct: number }): void;
  /** `changes`: what the published pass changed (D112), as a line of the summary. */
  targetMet(args: { systems: number; totalSystems: number; coveragePct: number; changes?: ChangeLine }): void;
  pageFailed(args: { page: number; attempts: number; errorType: ErrorType; httpStatus: number | null }): void;
  flush(options?: SlackFlushOptions): Promise<void>;
}

const MILESTONES_PCT = [25, 50, 75] as const;

export function createSlackNotifier(options: SlackNotifierOptions): SlackNotifier {
  const check = validateWebhookUrl(options.url);
  if (!check.ok) {
    if (options.url !== undefined && options.url !== null && options.url !== '') {
      options.logger.emit('slack_disabled', { reason: check.reason });
    }
    return disabledNotifier;
  }
  registerWebhookSecrets(options.secrets, options.url ?? '', check.url);
  const inner = createSlackOutbox({
    url: check.url,
    fetch: options.fetch,
    clock: options.clock,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    minIntervalMs: options.minIntervalMs,
  });
  const prefix = options.account === undefined ? '' : `[${options.account}] `;
  const outbox = {
    get disabled() {
      return inner.disabled;
    },
    enqueue: (text: string) => {
      inner.enqueue(`${prefix}${text}`);
    },
    tick: () => {
      inner.tick();
    },
    flush: (maxWaitMs: number) => inner.flush(maxWaitMs),
  };
  const milestonesDone = new Set<number>();
  let lastCoveragePct: number | null = null;

  return {
    get enabled() {
      return !outbox.disabled;
    },
    runStarted(args) {
      if (args.startCoveragePct !== undefined) lastCoveragePct = args.startCoveragePct;
      outbox.enqueue(runStartedText(args.targetSystems, args.targetPct));
    },
    progress(block) {
      const previous = lastCoveragePct ?? block.coveragePct;
      lastCoveragePct = block.coveragePct;
      let crossed: number | null = null;
      for (const milestone of MILESTONES_PCT) {
        if (milestonesDone.has(milestone) || block.coveragePct < milestone) continue;
        milestonesDone.add(milestone);
        // Levels already reached when the run started are not news.
        if (previous < milestone) crossed = milestone;
      }
      if (crossed === null) outbox.tick();
      else outbox.enqueue(milestoneText(crossed, block));
    },
    batchComplete(args) {
      outbox.enqueue(batchCompleteText(args.systems, args.coveragePct));
    },
    targetMet(args) {
      outbox.enqueue(targetMetText(args.systems, args.totalSystems, args.coveragePct, args.changes));
    },
    pageFailed(args) {
      outbox.enqueue(pageFailedText(args.page, args.attempts, args.errorType, args.httpStatus));
    },
    flush: (flushOptions) => outbox.flush(flushOptions?.maxWaitMs ?? 0),
  };
}

/** The URL and its path (the credential part) never reach a log line, whatever quotes them. */
function registerWebhookSecrets(secrets: SecretRegistry, raw: string, normalized: string): void {
  secrets.add(raw);
  secrets.add(raw.trim());
  secrets.add(normalized);
  const { pathname, search } = new URL(normalized);
  // A bare "/" or "/hook" identifies nothing; a Slack path is /services/T…/B…/<token>.
  if (pathname.length >= 12) secrets.add(pathname + search);
}

const disabledNotifier: SlackNotifier = {
  enabled: false,
  runStarted: () => undefined,
  progress: () => undefined,
  batchComplete: () => undefined,
  targetMet: () => undefined,
  pageFailed: () => undefined,
  flush: () => Promise.resolve(),
};
