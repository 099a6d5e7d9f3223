/** The one temp-directory helper of the test suite (unit and e2e). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh, empty directory under the OS temp dir; `prefix` names the test that made it. */
export function tempDir(prefix = 'pmp-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a directory made by tempDir, and everything in it; a missing one is fine. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
