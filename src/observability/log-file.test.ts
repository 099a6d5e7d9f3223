import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { DEFAULT_CONFIG } from '../../test/support/settings.ts';
import { openDailyLogFile } from './log-file.ts';
import { createEventLogger } from './logger.ts';
import { SecretRegistry } from './secrets.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

let root = '';
beforeEach(() => {
  root = tempDir('pmp-log-');
});
afterEach(() => {
  removeTempDir(root);
});

const NOV_26 = Date.UTC(2026, 10, 26, 23, 59, 0);

/** The default (PMP_LOG_RETENTION_DAYS), 14 days. */
const retentionDays = DEFAULT_CONFIG.logRetentionDays;

describe('openDailyLogFile', () => {
  it('writes to base-YYYY-MM-DD.ext for the UTC run date, mode 0600 in a 0700 folder', () => {
    const clock = new FakeClock(NOV_26);
    const logDir = join(root, 'logs', 'nested');
    const file = openDailyLogFile({ path: join(logDir, 'pmp.log'), clock, retentionDays });
    file.destination.write('{"a":1}\n');
    file.close();
    expect(file.path).toBe(join(logDir, 'pmp-2026-11-26.log'));
    expect(readFileSync(file.path, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(logDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('appends across two opens on the same day (two cron runs) and tightens an existing file', () => {
    const clock = new FakeClock(NOV_26);
    const path = join(root, 'pmp.log');
    writeFileSync(join(root, 'pmp-2026-11-26.log'), 'old\n', { mode: 0o644 });
    for (const run of [1, 2]) {
      const file = openDailyLogFile({ path, clock, retentionDays });
      const logger = createEventLogger({
        destination: file.destination,
        clock,
        level: 'info',
        secrets: new SecretRegistry(),
      });
      logger.emit('run_complete', { exit_code: 0, outcome: `run${run}`, duration_ms: 1 });
      file.close();
    }
    const lines = readFileSync(join(root, 'pmp-2026-11-26.log'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('old');
    expect(lines.slice(1).map((line) => (JSON.parse(line) as { outcome: string }).outcome)).toEqual([
      'run1',
      'run2',
    ]);
    expect(statSync(join(root, 'pmp-2026-11-26.log')).mode & 0o777).toBe(0o600);
  });

  it('starts a new file on the next UTC day', () => {
    const clock = new FakeClock(NOV_26);
    const first = openDailyLogFile({ path: join(root, 'pmp.log'), clock, retentionDays });
    first.close();
    clock.advance(60_000 * 2);
    const second = openDailyLogFile({ path: join(root, 'pmp.log'), clock, retentionDays });
    second.close();
    expect(second.path).toBe(join(root, 'pmp-2026-11-27.log'));
  });

  it('prunes files of the same base name older than retentionDays, and nothing else', () => {
    const keep = [
      'pmp-2026-11-12.log', // exactly 14 days old
      'pmp-2026-11-25.log',
      'pmp-2026-10-01.txt', // other extension
      'other-2020-01-01.log', // other base name
      'pmp-2026-13-45.log', // not a date
      'pmp.log',
    ];
    const prune = ['pmp-2026-11-11.log', 'pmp-2025-01-01.log'];
    for (const name of [...keep, ...prune]) writeFileSync(join(root, name), 'x');
    const file = openDailyLogFile({
      path: join(root, 'pmp.log'),
      clock: new FakeClock(NOV_26),
      retentionDays,
    });
    file.close();
    expect([...file.prunedPaths].sort()).toEqual(prune.map((name) => join(root, name)).sort());
    expect(readdirSync(root).sort()).toEqual([...keep, 'pmp-2026-11-26.log'].sort());
  });

  it('honours a custom retention and a name without extension', () => {
    writeFileSync(join(root, 'pmp-2026-11-24'), 'x');
    writeFileSync(join(root, 'pmp-2026-11-25'), 'x');
    const file = openDailyLogFile({
      path: join(root, 'pmp'),
      clock: new FakeClock(NOV_26),
      retentionDays: 1,
    });
    file.close();
    expect(file.path).toBe(join(root, 'pmp-2026-11-26'));
    expect(readdirSync(root).sort()).toEqual(['pmp-2026-11-25', 'pmp-2026-11-26']);
  });
});
