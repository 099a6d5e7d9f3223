/**
 * The database holds the whole fleet inventory: it and its WAL sidecars stay private to the owner
 * (D7). SQLite creates `-wal` and `-shm` with the mode of the main file, so the main file is created
 * 0600 before SQLite ever opens it; chmod after the fact would leave the sidecars at 0644.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;
const GROUP_OR_WORLD = 0o077;

/**
 * Creates the parent folder (and any missing ancestors) as 0700; an existing folder is left alone.
 * The umask can only remove bits, so 0700 is never widened.
 */
export function ensureParentDir(filePath: string): void {
  const dir = dirname(filePath);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
}

/**
 * Creates the file 0600 if missing, and strips group/world bits from it and from existing `-wal` /
 * `-shm` sidecars (a database created by another tool is usually 0644).
 */
export function preparePrivateDbFile(filePath: string): void {
  if (!existsSync(filePath)) closeSync(openSync(filePath, 'a', PRIVATE_FILE));
  for (const path of [filePath, `${filePath}-wal`, `${filePath}-shm`]) {
    if (!existsSync(path)) continue;
    if ((statSync(path).mode & GROUP_OR_WORLD) !== 0) chmodSync(path, PRIVATE_FILE);
  }
}
