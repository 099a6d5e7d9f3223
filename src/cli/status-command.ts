/**
 * `--status [--json | --check]`: the database only — no API, no credentials, no lock. It never
 * creates, migrates or re-permissions anything: a missing SQLite file is an error (exit 1; UNKNOWN
 * for `--check`), so a monitor can tell "no database here" from "nothing extracted yet". With
 * PostgreSQL (D103) it connects, reads the account's schema and changes nothing; an absent schema is
 * "nothing extracted yet", a server that does not answer an error.
 */
import { type CliOverrides, type Config, databaseLocation, loadConfig } from '../config/index.ts';
import type { SecretRegistry } from '../observability/index.ts';
import { isExtractorError, redactText } from '../platform/index.ts';
import type { Store } from '../store/index.ts';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.ts';
import { databaseFor, knownSecrets, type ProcessIO } from '../app/index.ts';
import { defaultMaxAgeHours, evaluateHealth, HEALTH, healthLine, type HealthResult } from './health-check.ts';
import { buildStatus } from './status-report.ts';
import { renderStatus } from './status-render.ts';

export interface StatusOptions {
  json: boolean;
  /** `--check`, with the `--max-age-hours` text as given (validated here: UNKNOWN when bad). */
  check?: { maxAgeHours?: string };
}

export async function runStatusCommand(
  io: ProcessIO,
  flags: CliOverrides,
  options: StatusOptions,
): Promise<ExitCode> {
  const secrets = knownSecrets(io.env, flags);
  if (options.check !== undefined) {
    const result = await runHealthCheck(io, flags, options.check.maxAgeHours, secrets);
    io.stdout.write(`${result.line}\n`);
    return result.code;
  }
  try {
    const config = loadConfig(io.env, flags, io.homeDir);
    await withReadOnlyStore(io, config, async (store, label) => {
      const report = await buildStatus(store, config.targetPct, io.clock.nowMs());
      io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : renderStatus(report, label));
    });
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`pmp-extractor: ${messageOf(error, secrets)}\n`);
    return isExtractorError(error) ? exitCodeForError(error.code) : EXIT.fatal;
  }
}

async function runHealthCheck(
  io: ProcessIO,
  flags: CliOverrides,
  maxAgeText: string | undefined,
  secrets: SecretRegistry,
): Promise<HealthResult> {
  try {
    const given = maxAgeText === undefined ? null : Number(maxAgeText);
    if (given !== null && (!Number.isFinite(given) || given <= 0)) {
      return healthLine(
        HEALTH.unknown,
        `--max-age-hours must be a positive number of hours, not "${maxAgeText}"`,
      );
    }
    const config = loadConfig(io.env, flags, io.homeDir);
    const maxAgeHours = given ?? defaultMaxAgeHours(config.refreshHours);
    return await withReadOnlyStore(io, config, async (store) =>
      evaluateHealth(
        await buildStatus(store, config.targetPct, io.clock.nowMs()),
        (await store?.publishedSnapshot()) ?? null,
        maxAgeHours,
      ),
    );
  } catch (error) {
    return healthLine(HEALTH.unknown, messageOf(error, secrets));
  }
}

/** A store for reading, or null for a database without our tables ("nothing extracted yet"). */
async function withReadOnlyStore<T>(
  io: ProcessIO,
  config: Config,
  read: (store: Store | null, label: string) => Promise<T>,
): Promise<T> {
  const database = databaseFor(databaseLocation(config), io);
  const store = await database.openReadOnly();
  try {
    return await read(store, database.label);
  } finally {
    await store?.close();
  }
}

/** The error's message without secrets (the database URL's password, D105) or addresses. */
function messageOf(error: unknown, secrets: SecretRegistry): string {
  return redactText(error instanceof Error ? error.message : String(error), secrets);
}
