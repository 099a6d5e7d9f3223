/**
 * `--status [--json | --check]`: the database only — no network, no credentials, no lock. It never
 * creates, migrates or re-permissions a file: a missing one is an error (exit 1; UNKNOWN for
 * `--check`), so a monitor can tell "no database here" from "nothing extracted yet".
 */
import { existsSync } from 'node:fs';
import { type CliOverrides, loadConfig } from '../config/index.ts';
import { ExtractorError, isExtractorError, redactPii } from '../platform/index.ts';
import { openStoreReadOnly, type Store } from '../store/index.ts';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.ts';
import type { ProcessIO } from '../app/index.ts';
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
  if (options.check !== undefined) {
    const result = await runHealthCheck(io, flags, options.check.maxAgeHours);
    io.stdout.write(`${result.line}\n`);
    return result.code;
  }
  try {
    const config = loadConfig(io.env, flags, io.homeDir);
    await withReadOnlyStore(config.dbPath, async (store) => {
      const report = await buildStatus(store, config.targetPct, io.clock.nowMs());
      io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : renderStatus(report, config.dbPath));
    });
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`pmp-extractor: ${messageOf(error)}\n`);
    return isExtractorError(error) ? exitCodeForError(error.code) : EXIT.fatal;
  }
}

async function runHealthCheck(
  io: ProcessIO,
  flags: CliOverrides,
  maxAgeText: string | undefined,
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
    return await withReadOnlyStore(config.dbPath, async (store) =>
      evaluateHealth(
        await buildStatus(store, config.targetPct, io.clock.nowMs()),
        (await store?.publishedSnapshot()) ?? null,
        maxAgeHours,
      ),
    );
  } catch (error) {
    return healthLine(HEALTH.unknown, messageOf(error));
  }
}

/** A store for reading, or null for a database without our tables ("nothing extracted yet"). */
async function withReadOnlyStore<T>(dbPath: string, read: (store: Store | null) => Promise<T>): Promise<T> {
  if (!existsSync(dbPath)) {
    throw new ExtractorError(
      'database_error',
      `no database at ${dbPath}: nothing has been extracted there yet, or PMP_DB_PATH / --db names ` +
        'another file. Check the path, or run one extraction to create it.',
    );
  }
  const store = openStoreReadOnly(dbPath);
  try {
    return await read(store);
  } finally {
    await store?.close();
  }
}

function messageOf(error: unknown): string {
  return redactPii(error instanceof Error ? error.message : String(error));
}
