/**
 * Issue 12 #4, D55, with real processes: a promise that never settles while nothing holds the event
 * loop ends a Node process with exit 0. The built guard (dist/app/drain-guard.js, what main.ts
 * installs) turns that into exit 1 with its stderr line, and leaves a settled command's exit alone.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DRAIN_MESSAGE } from '../../src/app/index.ts';
import { CLI_PATH } from '../support/run-cli.ts';

const GUARD_URL = pathToFileURL(join(dirname(CLI_PATH), 'app', 'drain-guard.js')).href;

/** Runs an ES module body in a fresh node; the pending promise holds nothing in the event loop. */
function runModule(body: string): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', body], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { code: result.status, stderr: result.stderr };
}

const NEVER = 'new Promise(() => {}).then(() => process.exit(0));';

describe('an event loop that drains before the command settles', () => {
  it('is a silent exit 0 without the guard (the defect)', () => {
    expect(runModule(NEVER)).toEqual({ code: 0, stderr: '' });
  });

  it('exits 1 with one stderr line under the guard main.ts installs', () => {
    const result = runModule(
      `import { guardAgainstDrain } from '${GUARD_URL}'; guardAgainstDrain(process, process.stderr); ${NEVER}`,
    );
    expect(result).toEqual({ code: 1, stderr: `pmp-extractor: internal error: ${DRAIN_MESSAGE}\n` });
  });

  it('keeps the exit code of a command that settled', () => {
    const result = runModule(
      `import { guardAgainstDrain } from '${GUARD_URL}';
       const guard = guardAgainstDrain(process, process.stderr);
       await Promise.resolve();
       guard.settled();
       process.exitCode = 2;`,
    );
    expect(result).toEqual({ code: 2, stderr: '' });
  });
});
