import { randomUUID } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes the metrics atomically: a hidden temp file in the same folder (so the rename never crosses
 * a filesystem), then rename over the target. node_exporter never reads a half-written file, and
 * ignores the temp file because it does not end in .prom. Mode 0644: metrics hold no secrets.
 */
export async function writeMetricsFile(path: string, text: string): Promise<void> {
  const tempPath = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    await writeFile(tempPath, text, { mode: 0o644 });
    await chmod(tempPath, 0o644);
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}
