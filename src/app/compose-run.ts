/**
 * Builds the real parts of an extraction from the validated config: token manager, paced API
 * client with its retry policy, Slack, metrics and the progress bar. The only place they are wired.
 */
import { createApiClient } from '../api/index.ts';
import { createTokenManager } from '../auth/index.ts';
import { basePageSize, LIMITS, type Config, type Credentials } from '../config/index.ts';
import type { PageSource } from '../extract/index.ts';
import {
  createProgressReporter,
  createRunMetrics,
  createSlackNotifier,
  shouldDrawProgressBar,
  type FlushableEventLogger,
  type RunMetrics,
  type SecretRegistry,
  type SlackNotifier,
} from '../observability/index.ts';
import { createTextFetch } from '../platform/index.ts';
import { createPacer } from '../retry/index.ts';
import type { Store } from '../store/index.ts';
import type { ProcessIO } from './io.ts';
import { createPageSource } from './page-source.ts';
import { createRunObserver } from './run-observer.ts';

export interface RunParts {
  tokens: ReturnType<typeof createTokenManager>;
  pages: PageSource;
  observer: ReturnType<typeof createRunObserver>;
  metrics: RunMetrics;
  slack: SlackNotifier;
}

export async function composeRun(args: {
  io: ProcessIO;
  config: Config;
  credentials: Credentials;
  logger: FlushableEventLogger;
  secrets: SecretRegistry;
  store: Store;
}): Promise<RunParts> {
  const { io, config, logger, secrets } = args;
  const tokens = createTokenManager({
    credentials: args.credentials,
    accountsUrl: config.accountsUrl,
    fetch: tokenEndpointFetch(io, config),
    clock: io.clock,
    logger,
    store: args.store,
    timeoutMs: config.requestTimeoutMs,
    commandTimeoutMs: config.tokenCommandTimeoutMs,
    backoffBaseMs: config.backoffBaseMs,
    endpointRetries: LIMITS.tokenEndpointRetries,
    tokenBudget: config.tokenBudget,
    // Access tokens change during a run; each one is scrubbed from every later log line.
    onNewToken: (token) => {
      secrets.add(token);
    },
  });
  const client = createApiClient({
    baseUrl: config.serverUrl,
    http: io.http,
    pacer: createPacer(io.clock, config.pageDelayMs),
    timeoutMs: config.requestTimeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    pageSize: basePageSize(config.pageSize),
  });
  const policy = {
    maxAttempts: config.maxAttempts,
    backoffBaseMs: config.backoffBaseMs,
    maxRetryAfterS: config.maxRetryAfterS,
    throttleWaitMs: config.throttleWaitMs,
  };
  const metrics = createRunMetrics();
  const slack = createSlackNotifier({
    url: config.slackWebhookUrl,
    fetch: createTextFetch(io.http, {
      timeoutMs: LIMITS.slackTimeoutMs,
      maxBodyBytes: LIMITS.textBodyMaxBytes,
    }),
    clock: io.clock,
    logger,
    secrets,
    timeoutMs: LIMITS.slackTimeoutMs,
    minIntervalMs: LIMITS.slackMinIntervalMs,
    account: config.account,
  });
  const progress = await createProgressReporter({
    stream: io.stderr as NodeJS.WritableStream,
    isTTY: shouldDrawProgressBar({
      stderrIsTTY: io.stderr.isTTY === true,
      stdoutIsTTY: io.stdout.isTTY === true,
      logToFile: config.logFile !== null,
    }),
    clock: io.clock,
  });
  return {
    tokens,
    pages: createPageSource({ client, tokens, clock: io.clock, policy, secrets, metrics }),
    observer: createRunObserver({ progress, slack }),
    metrics,
    slack,
  };
}

/** The token endpoint's fetch: the run's HTTP client, the request timeout, a 1 MB answer cap. */
export function tokenEndpointFetch(
  io: Pick<ProcessIO, 'http'>,
  config: Pick<Config, 'requestTimeoutMs'>,
): ReturnType<typeof createTextFetch> {
  return createTextFetch(io.http, {
    timeoutMs: config.requestTimeoutMs,
    maxBodyBytes: LIMITS.textBodyMaxBytes,
  });
}
