import type { Credentials } from '../config/index.ts';
import type { Clock, FetchLike } from '../platform/index.ts';
import type { TokenResponse } from './token-response.ts';
import type { RunCommand } from './run-command.ts';
import type { TokenBudget } from './token-budget.ts';
import { fetchTokenFromCommand } from './token-command.ts';
import { requestAccessToken } from './token-endpoint.ts';

export interface MintOptions {
  credentials: Credentials;
  accountsUrl: string;
  fetch: FetchLike;
  clock: Clock;
  budget: TokenBudget;
  timeoutMs: number;
  /** Token endpoint backoff base, ms (Config.backoffBaseMs). */
  backoffBaseMs: number;
  /** Token endpoint retries after the first attempt (LIMITS.tokenEndpointRetries). */
  endpointRetries: number;
  commandTimeoutMs: number;
  runCommand?: RunCommand;
}

/** Obtains one new access token from whichever source the credentials name. */
export type Mint = (signal?: AbortSignal) => Promise<TokenResponse>;

/**
 * Only the refresh-token grant spends the budget: a token command talks to Zoho (or not) on its
 * own terms, and we cannot see or count its requests.
 */
export function createMint(options: MintOptions): Mint {
  const { credentials } = options;
  if (credentials.kind === 'token_command') {
    return (signal) =>
      fetchTokenFromCommand({
        command: credentials.command,
        timeoutMs: options.commandTimeoutMs,
        ...(options.runCommand === undefined ? {} : { runCommand: options.runCommand }),
        ...(signal === undefined ? {} : { signal }),
      });
  }
  return (signal) =>
    requestAccessToken({
      accountsUrl: options.accountsUrl,
      credentials,
      fetch: options.fetch,
      clock: options.clock,
      timeoutMs: options.timeoutMs,
      backoffBaseMs: options.backoffBaseMs,
      retries: options.endpointRetries,
      beforeRequest: () => options.budget.take(),
      ...(signal === undefined ? {} : { signal }),
    });
}
