import { closeSync, fchmodSync, mkdirSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Clock } from '../platform/index.ts';
import type { LogDestination } from './logger.ts';
import { createSyncFdDestination } from './sync-fd-destination.ts';

export interface DailyLogFileOptions {
  /** The configured `--log-file`, e.g. /var/log/pmp.log; the date goes before the extension. */
  path: string;
  clock: Clock;
  /** Files of the same base name dated more than this many days before today are deleted (Config.logRetentionDays). */
  retentionDays: number;
  /** Where a notice goes when lines cannot be written (a full disk, D56): stderr. Default: nowhere. */
  warn?: (text: string) => void;
}

export interface DailyLogFile {
  /** The file actually written, e.g. /var/log/pmp-2026-11-26.log. */
  path: string;
  destination: LogDestination;
  /** Old day files this open removed. */
  prunedPaths: readonly string[];
  close(): void;
}

const DAY_MS = 86_400_000;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Daily "rotation" for a process that cron starts and stops: each run appends to the file of its
 * UTC start date, so one file per day with no worker thread. Writes are synchronous, so every line is
 * in the file before the call returns and survives exit and kill -9; on a full disk lines are dropped
 * and counted, never retried (D56). The file is 0600 (a log line is operational data about a
 * customer estate); a created parent folder is 0700.
 */
export function openDailyLogFile(options: DailyLogFileOptions): DailyLogFile {
  const { retentionDays } = options;
  const dir = dirname(options.path);
  const ext = extname(options.path);
  const base = basename(options.path, ext);
  const todayMs = startOfUtcDayMs(options.clock.nowMs());
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });

  const path = join(dir, `${base}-${utcDate(todayMs)}${ext}`);
  const fd = openSync(path, 'a', FILE_MODE);
  // The mode argument only applies on creation; an existing file written by hand is tightened too.
  fchmodSync(fd, FILE_MODE);
  const destination = createSyncFdDestination(fd, { name: path, warn: options.warn ?? (() => undefined) });
  const prunedPaths = pruneOldFiles(dir, base, ext, todayMs - retentionDays * DAY_MS);
  return {
    path,
    destination,
    prunedPaths,
    close: () => {
      destination.flushSync?.();
      closeSync(fd);
    },
  };
}

function pruneOldFiles(dir: string, base: string, ext: string, oldestKeptMs: number): string[] {
  const pattern = new RegExp(`^${escapeRegExp(base)}-(\\d{4}-\\d{2}-\\d{2})${escapeRegExp(ext)}$`);
  const pruned: string[] = [];
  for (const name of readdirSync(dir)) {
    const dated = pattern.exec(name)?.[1];
    if (dated === undefined) continue;
    const fileDayMs = Date.parse(`${dated}T00:00:00.000Z`);
    if (!(fileDayMs < oldestKeptMs)) continue;
    try {
      unlinkSync(join(dir, name));
      pruned.push(join(dir, name));
    } catch {
      // Another run pruned it first, or it is not ours to delete: keeping a file is harmless.
    }
  }
  return pruned;
}

function startOfUtcDayMs(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
