/**
 * `pmp-extractor check`: configuration, credentials and the API, end to end, at the cost of one token
 * and one record. The token request is counted in the persisted budget (the database's
 * token_requests table, so the store is opened for that alone); no system, snapshot or checkpoint is
 * written. Events go to the log file when one is configured, else nowhere: stdout is the report.
 */
import { createApiClient } from '../api/index.ts';
import { createMint, createTokenBudget } from '../auth/index.ts';
import { LIMITS, type Config, type Credentials } from '../config/index.ts';
import { createEventLogger, openDailyLogFile, SecretRegistry } from '../observability/index.ts';
import { ExtractorError } from '../platform/index.ts';
import { tokenEndpointFetch } from './compose-run.ts';
import { createPacer, fetchPageWithRetry } from '../retry/index.ts';
import type { Store } from '../store/index.ts';
import type { ProcessIO } from './io.ts';

/** What the check verified. */
export interface ConnectionReport {
  serverUrl: string;
  accountsUrl: string;
  tokenSource: Credentials['kind'];
  /** Lifetime the issuer gave the token, seconds; null when it gave none. */
  ttlS: number | null;
  /** Token requests in the budget window after this one, and the budget. */
  tokenRequests: { used: number; limit: number; windowS: number };
  totalSystems: number;
  recordsKey: string;
  /** `limit` the server echoed for `pagelimit=1`. */
  pageLimitEchoed: number;
}

export type ConnectionResult =
  { ok: true; report: ConnectionReport } | { ok: false; deferred: boolean; message: string };

/** One record is enough to prove the records key and the reported total. */
const CHECK_PAGE_SIZE = 1;

export async function checkConnection(args: {
  io: ProcessIO;
  config: Config;
  credentials: Credentials;
  store: Pick<Store, 'recordTokenRequest' | 'countTokenRequestsSince'>;
  secrets: SecretRegistry;
}): Promise<ConnectionResult> {
  const { io, config, store, secrets } = args;
  const destination =
    config.logFile === null
      ? { write: () => true }
      : openDailyLogFile({ path: config.logFile, clock: io.clock, retentionDays: config.logRetentionDays })
          .destination;
  const logger = createEventLogger({ destination, clock: io.clock, level: config.logLevel, secrets });
  const { maxRequests, windowMs } = config.tokenBudget;
  const mint = createMint({
    credentials: args.credentials,
    accountsUrl: config.accountsUrl,
    fetch: tokenEndpointFetch(io, config),
    clock: io.clock,
    budget: createTokenBudget({ store, clock: io.clock, logger, maxRequests, windowMs }),
    timeoutMs: config.requestTimeoutMs,
    backoffBaseMs: config.backoffBaseMs,
    endpointRetries: LIMITS.tokenEndpointRetries,
    commandTimeoutMs: config.tokenCommandTimeoutMs,
  });
  const token = await mint(io.signal);
  secrets.add(token.accessToken);
  const client = createApiClient({
    baseUrl: config.serverUrl,
    http: io.http,
    pacer: createPacer(io.clock, 0),
    timeoutMs: config.requestTimeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    pageSize: CHECK_PAGE_SIZE,
  });
  const outcome = await fetchPageWithRetry(1, {
    client,
    tokens: {
      getAccessToken: () => Promise.resolve(token.accessToken),
      // One token is the whole cost of a check: a refused fresh token is the answer, not a retry.
      refreshAfterAuthFailure: () => Promise.reject(refusedToken(config)),
    },
    clock: io.clock,
    logger,
    policy: {
      maxAttempts: config.maxAttempts,
      backoffBaseMs: config.backoffBaseMs,
      maxRetryAfterS: config.maxRetryAfterS,
      throttleWaitMs: config.throttleWaitMs,
    },
    signal: io.signal,
    onAttemptFailed: () => undefined,
  });
  logger.flush();
  if (outcome.kind === 'defer') {
    return {
      ok: false,
      deferred: true,
      message: `the API asked to come back later: ${outcome.errorMessage}`,
    };
  }
  if (outcome.kind === 'gap') {
    return {
      ok: false,
      deferred: false,
      message:
        `page 1 of ${config.serverUrl} could not be read after ${outcome.attempts} attempt(s) ` +
        `(${outcome.errorType}: ${outcome.errorMessage}). Check PMP_SERVER_URL and the network.`,
    };
  }
  return {
    ok: true,
    report: {
      serverUrl: config.serverUrl,
      accountsUrl: config.accountsUrl,
      tokenSource: args.credentials.kind,
      ttlS: token.ttlS,
      tokenRequests: {
        used: await store.countTokenRequestsSince(io.clock.nowMs() - windowMs),
        limit: maxRequests,
        windowS: windowMs / 1000,
      },
      totalSystems: outcome.page.total,
      recordsKey: outcome.page.recordsKey,
      pageLimitEchoed: outcome.page.limit,
    },
  };
}

function refusedToken(config: Config): ExtractorError {
  return new ExtractorError(
    'credentials_rejected',
    `${config.serverUrl} refused the access token that ${config.accountsUrl} had just issued: check that ` +
      'the Zoho client has the Patch Manager Plus Cloud scopes and that PMP_SERVER_URL and ' +
      'PMP_ACCOUNTS_URL name the same data centre.',
  );
}
