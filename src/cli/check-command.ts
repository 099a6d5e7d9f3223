/**
 * `pmp-extractor check`: validates the configuration, takes one token and reads one record, then
 * prints what it verified, or one stderr line with the reason and the usual exit code (1 for
 * configuration or credentials, 3 for throttling or a spent token budget).
 */
import {
  checkConnection,
  type ConnectionReport,
  databaseFor,
  knownSecrets,
  type ProcessIO,
} from '../app/index.ts';
import {
  budgetClientId,
  type CliOverrides,
  databaseLocation,
  loadConfig,
  resolveCredentials,
  secretValues,
} from '../config/index.ts';
import { formatCount, isExtractorError, redactText } from '../platform/index.ts';
import type { Store } from '../store/index.ts';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.ts';

export async function runCheckCommand(io: ProcessIO, flags: CliOverrides): Promise<ExitCode> {
  const secrets = knownSecrets(io.env, flags);
  const fail = (code: ExitCode, message: string): ExitCode => {
    io.stderr.write(`pmp-extractor check: ${redactText(message, secrets)}\n`);
    return code;
  };
  let store: Store | null = null;
  try {
    const config = loadConfig(io.env, flags, io.homeDir);
    const credentials = resolveCredentials(io.env, { homeDir: io.homeDir });
    for (const secret of secretValues(credentials)) secrets.add(secret);
    const database = databaseFor(databaseLocation(config), io);
    store = await database.open(budgetClientId(credentials));
    const result = await checkConnection({ io, config, credentials, store, secrets });
    if (!result.ok) return fail(result.deferred ? EXIT.deferred : EXIT.fatal, result.message);
    io.stdout.write(renderReport(result.report, database.label));
    return EXIT.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(isExtractorError(error) ? exitCodeForError(error.code) : EXIT.fatal, message);
  } finally {
    await store?.close();
  }
}

function renderReport(report: ConnectionReport, databaseLabel: string): string {
  const source = report.tokenSource === 'token_command' ? 'PMP_TOKEN_COMMAND' : 'the refresh token';
  const ttl = report.ttlS === null ? 'no lifetime given' : `valid ${report.ttlS} s`;
  const { used, limit, windowS } = report.tokenRequests;
  const rows: [string, string][] = [
    ['server', report.serverUrl],
    ['accounts', report.accountsUrl],
    ['token', `from ${source}, ${ttl}`],
    ['budget', `${used} of ${limit} token requests in the last ${windowS / 60} minutes`],
    ['systems', `${formatCount(report.totalSystems)} reported by the API`],
    ['records', `under message_response.${report.recordsKey}`],
    ['page size', `${report.pageLimitEchoed} echoed for pagelimit=1`],
    ...(report.autoPageSize === null ? [] : [['auto size', report.autoPageSize.detail] as [string, string]]),
    ['database', `${databaseLabel} (token budget only; no systems, snapshots or checkpoints written)`],
  ];
  return `pmp-extractor check: OK\n${rows.map(([key, value]) => `  ${key.padEnd(10)} ${value}`).join('\n')}\n`;
}
