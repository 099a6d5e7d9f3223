/** `--status [--json]`: the database only — no network, no credentials, no lock (D8, D18). */
import { existsSync } from 'node:fs';
import { type CliOverrides, loadConfig } from '../config/index.ts';
import { redactPii } from '../platform/index.ts';
import { isExtractorError } from '../platform/index.ts';
import { openStoreReadOnly } from '../store/index.ts';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.ts';
import type { ProcessIO } from '../app/index.ts';
import { buildStatus, renderStatus } from './status-report.ts';

export function runStatusCommand(io: ProcessIO, flags: CliOverrides, json: boolean): ExitCode {
  try {
    const config = loadConfig(io.env, flags, io.homeDir);
    // Read-only: a missing database or one without our tables is "nothing extracted yet"; --status
    // never creates, migrates or re-permissions a file.
    const store = existsSync(config.dbPath) ? openStoreReadOnly(config.dbPath) : null;
    try {
      const report = buildStatus(store, config.targetPct);
      io.stdout.write(json ? `${JSON.stringify(report)}\n` : renderStatus(report, config.dbPath));
    } finally {
      store?.close();
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`pmp-extractor: ${redactPii(error instanceof Error ? error.message : String(error))}\n`);
    return isExtractorError(error) ? exitCodeForError(error.code) : EXIT.fatal;
  }
}
