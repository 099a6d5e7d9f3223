/** `raw <resource_id>`: the stored record, exactly as received, from the database only (D70). */
import { type CliOverrides, databaseLocation, loadConfig } from '../config/index.ts';
import { isExtractorError, redactText } from '../platform/index.ts';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.ts';
import { databaseFor, knownSecrets, type ProcessIO } from '../app/index.ts';

export async function runRawCommand(
  io: ProcessIO,
  flags: CliOverrides,
  resourceId: string,
): Promise<ExitCode> {
  const secrets = knownSecrets(io.env, flags);
  try {
    const config = loadConfig(io.env, flags, io.homeDir);
    const database = databaseFor(databaseLocation(config), io);
    // Read-only, as --status (D18): no migration, no lock.
    const store = await database.openReadOnly();
    try {
      const record = (await store?.rawRecord(resourceId)) ?? null;
      if (record === null) {
        io.stderr.write(
          `pmp-extractor: no stored record for resource_id ${resourceId} in ${database.label}\n`,
        );
        return EXIT.fatal;
      }
      io.stdout.write(`${record}\n`);
    } finally {
      await store?.close();
    }
    return EXIT.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`pmp-extractor: ${redactText(message, secrets)}\n`);
    return isExtractorError(error) ? exitCodeForError(error.code) : EXIT.fatal;
  }
}
