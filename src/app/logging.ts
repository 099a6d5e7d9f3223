/**
 * The run's JSON event stream: validated config first (a bad value exits 1 with a message naming
 * the variable), then stdout or the daily log file, with every known secret registered for
 * scrubbing before anything can be logged. Also the one place failures become events + exit codes.
 */
import { type CliOverrides, type Config, loadConfig, readEarlySettings } from '../config/index.ts';
import {
  createEventLogger,
  createSyncFdDestination,
  openDailyLogFile,
  type FlushableEventLogger,
  type SecretRegistry,
} from '../observability/index.ts';
import { DEFER_REASONS, ExtractorError, isExtractorError, redactText } from '../platform/index.ts';
import { EXIT, exitCodeForError, type ExitCode } from '../cli/exit-codes.ts';
import type { ProcessIO } from './io.ts';
import { knownSecrets } from './known-secrets.ts';

export type RunLogging =
  | { ok: true; config: Config; logger: FlushableEventLogger; secrets: SecretRegistry }
  /** `metricsFile`/`database`/`account`: what the failed run can still report under (D42). */
  | { ok: false; code: ExitCode; early: ReturnType<typeof readEarlySettings> };

export function openRunLogger(io: ProcessIO, flags: CliOverrides): RunLogging {
  const secrets = knownSecrets(io.env, flags);
  const warn = (text: string): void => {
    io.stderr.write(text);
  };
  const stdout =
    io.stdoutFd === null ? io.stdout : createSyncFdDestination(io.stdoutFd, { name: 'stdout', warn });
  // Before a usable configuration exists, failures go to stdout at the default level.
  const fail = (error: unknown): RunLogging => {
    const early = readEarlySettings(io.env, flags, io.homeDir);
    const logger = createEventLogger({
      destination: stdout,
      clock: io.clock,
      level: 'info',
      secrets,
      account: early.account,
    });
    return { ok: false, code: reportRunFailure(logger, io, secrets, error), early };
  };
  let config: Config;
  try {
    config = loadConfig(io.env, flags, io.homeDir);
  } catch (error) {
    return fail(error);
  }
  let destination = stdout;
  if (config.logFile !== null) {
    try {
      destination = openDailyLogFile({
        path: config.logFile,
        clock: io.clock,
        retentionDays: config.logRetentionDays,
        warn,
      }).destination;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(
        new ExtractorError(
          'config_invalid',
          `PMP_LOG_FILE / --log-file ${config.logFile} cannot be opened: ${reason}`,
        ),
      );
    }
  }
  const logger = createEventLogger({
    destination,
    clock: io.clock,
    level: config.logLevel,
    secrets,
    account: config.account,
  });
  return { ok: true, config, logger, secrets };
}

/**
 * Logs a failure as `run_deferred` (exit 3) or `extraction_failed` (exit 1), and writes one
 * human line to stderr. Messages are scrubbed of every registered secret.
 */
export function reportRunFailure(
  logger: FlushableEventLogger,
  io: ProcessIO,
  secrets: SecretRegistry,
  error: unknown,
): ExitCode {
  // stderr is appended to the same cron log: the human line gets the log lines' redaction too.
  const message = redactText(error instanceof Error ? error.message : String(error), secrets);
  if (!isExtractorError(error)) {
    logger.emit('extraction_failed', {
      error_type: 'internal_error',
      error_message: message,
      exit_code: EXIT.fatal,
    });
    io.stderr.write(`pmp-extractor: internal error: ${message}\n`);
    return EXIT.fatal;
  }
  const code = exitCodeForError(error.code);
  const reason = DEFER_REASONS[error.code];
  if (code === EXIT.deferred && reason !== undefined) {
    logger.emit('run_deferred', { reason, retry_after_s: null, message });
  } else {
    logger.emit('extraction_failed', { error_type: error.code, error_message: message, exit_code: code });
  }
  io.stderr.write(`pmp-extractor: ${message}\n`);
  return code;
}
