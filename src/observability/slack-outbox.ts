import type { Clock, EventLogger, FetchLike } from '../platform/index.ts';

export interface SlackOutboxOptions {
  url: string;
  fetch: FetchLike;
  clock: Clock;
  logger: EventLogger;
  timeoutMs: number;
  minIntervalMs: number;
}

/**
 * Rate-limited delivery: at most one POST per `minIntervalMs`. Messages arriving inside the window
 * wait in `pending` and go out merged (one per line) with the first enqueue/tick after the window,
 * or at flush. No timers: nothing keeps the process alive, and a fake clock drives it exactly.
 * POSTs run one after another on a promise chain; a failure is logged, never thrown.
 */
export interface SlackOutbox {
  readonly disabled: boolean;
  enqueue(text: string): void;
  /** Sends pending messages if the window has passed (called on every page). */
  tick(): void;
  flush(maxWaitMs: number): Promise<void>;
}

export function createSlackOutbox(options: SlackOutboxOptions): SlackOutbox {
  const { clock, logger } = options;
  let pending: string[] = [];
  let lastPostAtMs: number | null = null;
  let disabled = false;
  let chain: Promise<void> = Promise.resolve();
  /** POSTs started or waiting on the chain. */
  let queued = 0;

  const windowLeftMs = (): number =>
    lastPostAtMs === null ? 0 : lastPostAtMs + options.minIntervalMs - clock.nowMs();

  const dispatch = (): void => {
    if (disabled || pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    lastPostAtMs = clock.nowMs();
    // Start at once when idle (the caller sees the fetch begin); otherwise queue behind the last.
    const job = queued === 0 ? post(text) : chain.then(() => post(text));
    queued += 1;
    chain = job
      .catch(() => undefined)
      .finally(() => {
        queued -= 1;
      });
  };

  const post = async (text: string): Promise<void> => {
    if (disabled) return;
    try {
      const response = await options.fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      // Read the (tiny) body so the connection is released; its content is not needed.
      await response.text().catch(() => '');
      if (response.ok) return;
      if (response.status === 404 || response.status === 410) {
        disabled = true;
        pending = [];
        const reason = `webhook answered HTTP ${response.status}; Slack disabled for this run`;
        logger.emit('slack_disabled', { reason });
        return;
      }
      logger.emit('slack_failed', {
        error_message: `webhook answered HTTP ${response.status}`,
        http_status: response.status,
      });
    } catch (error) {
      logger.emit('slack_failed', {
        error_message: describeError(error, options.timeoutMs),
        http_status: null,
      });
    }
  };

  return {
    get disabled() {
      return disabled;
    },
    enqueue(text) {
      if (disabled) return;
      pending.push(text);
      if (windowLeftMs() <= 0) dispatch();
    },
    tick() {
      if (windowLeftMs() <= 0) dispatch();
    },
    async flush(maxWaitMs) {
      const waitMs = windowLeftMs();
      if (!disabled && pending.length > 0 && waitMs > 0 && waitMs <= maxWaitMs) {
        await clock.sleep(waitMs).catch(() => undefined);
      }
      dispatch();
      await chain;
    },
  };
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `webhook timed out after ${timeoutMs} ms`;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
