import { errorCodeOf, ExtractorError } from '../platform/index.ts';
import {
  isPlausibleToken,
  isRecord,
  oversizedToken,
  parseTtlS,
  type TokenResponse,
} from './token-response.ts';
import { runShellCommand, type RunCommand } from './run-command.ts';

export interface TokenCommandOptions {
  command: string;
  /** Kill the command after this long, ms (Config.tokenCommandTimeoutMs, default 30 000). */
  timeoutMs: number;
  runCommand?: RunCommand;
  signal?: AbortSignal;
}

const NOT_SHOWN = 'its output is not shown because it may contain secrets';

/**
 * Gets an access token from PMP_TOKEN_COMMAND: stdout is a bare token, or JSON
 * `{"access_token": "...", "expires_in": 3600}`. Failures throw token_unavailable with the exit code
 * only; stdout and stderr are never echoed.
 */
export async function fetchTokenFromCommand(options: TokenCommandOptions): Promise<TokenResponse> {
  const run = options.runCommand ?? runShellCommand;
  let result;
  try {
    result = await run(options.command, options.timeoutMs, options.signal);
  } catch (error) {
    throw fail(`could not be started (${errorCodeOf(error) ?? 'spawn failed'})`);
  }
  if (options.signal?.aborted === true) throw options.signal.reason;
  if (result.timedOut) throw fail(`timed out after ${options.timeoutMs} ms and was killed`);
  if (result.exitCode !== 0) {
    throw fail(
      result.exitCode === null
        ? `was killed by a signal; ${NOT_SHOWN}`
        : `exited with code ${result.exitCode}; ${NOT_SHOWN}`,
    );
  }
  return parseCommandOutput(result.stdout.trim());
}

export function parseCommandOutput(output: string): TokenResponse {
  if (output === '') throw fail('printed nothing; it must print an access token');
  if (output.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw fail(`printed malformed JSON; ${NOT_SHOWN}`);
    }
    const accessToken = isRecord(parsed) ? parsed['access_token'] : undefined;
    refuseOversized(accessToken);
    if (!isRecord(parsed) || !isPlausibleToken(accessToken)) {
      throw fail(`printed JSON without a usable "access_token"; ${NOT_SHOWN}`);
    }
    return { accessToken, ttlS: parseTtlS(parsed) };
  }
  refuseOversized(output);
  if (!isPlausibleToken(output)) {
    throw fail(`printed more than one word; it must print only the token or a JSON object (${NOT_SHOWN})`);
  }
  return { accessToken: output, ttlS: null };
}

/** D31: a huge single word is refused (never cut down and used: stdout is capped at 64 KB). */
function refuseOversized(token: unknown): void {
  const oversized = oversizedToken(token);
  if (oversized === null) return;
  throw fail(`printed ${oversized}; it must print only the access token or a JSON object (${NOT_SHOWN})`);
}

function fail(what: string): ExtractorError {
  return new ExtractorError('token_unavailable', `PMP_TOKEN_COMMAND ${what}`);
}
