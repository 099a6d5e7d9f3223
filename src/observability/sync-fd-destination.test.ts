import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { removeTempDir, tempDir } from '../../test/support/temp-dir.ts';
import { createEventLogger } from './logger.ts';
import { SecretRegistry } from './secrets.ts';
import { createSyncFdDestination } from './sync-fd-destination.ts';

const RUN_COMPLETE = { exit_code: 0, outcome: 'batch_complete', duration_ms: 5 };

describe('createSyncFdDestination', () => {
  it('writes each line to the descriptor before returning', () => {
    const dir = tempDir('pmp-fd-');
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'a');
    const warnings: string[] = [];
    const logger = createEventLogger({
      destination: createSyncFdDestination(fd, { name: path, warn: (text) => warnings.push(text) }),
      clock: new FakeClock(),
      level: 'info',
      secrets: new SecretRegistry(),
    });
    logger.emit('run_complete', RUN_COMPLETE);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ event_type: 'run_complete' });
    logger.flush();
    expect(warnings).toEqual([]);
    closeSync(fd);
    removeTempDir(dir);
  });

  // D56: /dev/full answers every write with ENOSPC, like a full filesystem.
  it.skipIf(!existsSync('/dev/full'))(
    'drops lines on a full disk, warns once, and reports the count at flush',
    () => {
      const fd = openSync('/dev/full', 'w');
      const warnings: string[] = [];
      const destination = createSyncFdDestination(fd, {
        name: 'stdout',
        warn: (text) => warnings.push(text),
      });
      const startedMs = Date.now();
      for (let i = 0; i < 50; i += 1) expect(destination.write('{"line":1}\n')).toBe(true);
      destination.flushSync?.();
      destination.flushSync?.();
      // Never a retry loop: 50 failed writes and a flush take a few ms, not 100 ms per retry.
      expect(Date.now() - startedMs).toBeLessThan(1_000);
      expect(warnings).toEqual([
        'pmp-extractor: cannot write log lines to stdout (ENOSPC); dropping them and going on\n',
        'pmp-extractor: 50 log lines could not be written to stdout (ENOSPC)\n',
      ]);
      closeSync(fd);
    },
  );

  it('survives a warn function that throws (stderr gone too)', () => {
    const fd = openSync(existsSync('/dev/full') ? '/dev/full' : '/dev/null', 'w');
    const destination = createSyncFdDestination(fd, {
      name: 'stdout',
      warn: () => {
        throw new Error('EPIPE');
      },
    });
    expect(() => {
      destination.write('{}\n');
      destination.flushSync?.();
    }).not.toThrow();
    closeSync(fd);
  });
});
