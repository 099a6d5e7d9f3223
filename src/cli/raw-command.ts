/** `raw <resource_id>`: the stored record, exactly as received, from the database only (D70). */
import { existsSync } from 'node:fs';
import { type CliOverrides, loadConfig } from '../config/index.ts';
import { isExtractorError, redactPii } from '../platform/index.ts';
import { openStoreReadOnly } from '../store/index.ts';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.ts';
import type { ProcessIO } from '../app/index.ts';

export async function runRawCommand(
  io: ProcessIO,
  flags: CliOverrides,
  resourceId: string,
): Promise<ExitCode> {
  try {
    const config = loadConfig(io.env, flags, io.homeDir);
    const store = existsSync(config.dbPath) ? openStoreReadOnly(config.dbPath) : null;
    try {
      const record = (await store?.rawRecord(resourceId)) ?? null;
      if (record === null) {
        io.stderr.write(
          `pmp-extractor: no stored record for resource_id ${resourceId} in ${config.dbPath}\n`,
        );
        return EXIT.fatal;
      }
      io.stdout.write(`${record}\n`);
    } finally {
      await store?.close();
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`pmp-extractor: ${redactPii(error instanceof Error ? error.message : String(error))}\n`);
    return isExtractorError(error) ? exitCodeForError(error.code) : EXIT.fatal;
  }
}
