/**
 * Issue 5, end to end: where the BUILT CLI's output goes (D8). Through a pseudo-terminal the human
 * progress bar appears on stderr; under cron (pipes, no TTY) stdout carries JSON lines only and
 * stderr stays empty; `--log-file` writes a 0600 file per UTC day, appends, and prunes old days.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ofType, validateEventStream } from '../support/event-schema.ts';
import { runInPty, SCRIPT, shellQuote } from '../support/pty.ts';
import { CLI_PATH } from '../support/run-cli.ts';
import { obsEnv, runDirs, runValidated } from '../support/validated-run.ts';

const DAY_MS = 86_400_000;
/** Cursor and line control sequences (ESC [ … letter, ESC 7 / ESC 8), built from text to keep lint quiet. */
const ANSI_ESCAPE = new RegExp(String.raw`\x1b(\[[0-9;?]*[A-Za-z]|[78])`, 'g');

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

describe('a TTY run (through a pty) shows the progress bar', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // 250 systems = 10 pages of ~30 ms (the bar redraws several times); page 3 fails once, so the
    // bar counts an error.
    sim = await createSimulator({
      profile: 'clean',
      settings: { systems: 250, latencyMs: [30, 30], pageScripts: { 3: [{ kind: 'status', status: 503 }] } },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.runIf(existsSync(SCRIPT))(
    'with the log in a file, the terminal shows only the bar: page, systems, coverage, ETA, errors',
    async () => {
      const dirs = runDirs();
      const logPath = join(dirs.dir, 'logs', 'pmp.log');
      const before = Date.now();
      const { code, screen } = await runInPty(
        [process.execPath, CLI_PATH, '--log-file', logPath].map(shellQuote).join(' '),
        obsEnv(sim, dirs),
      );
      expect(code).toBe(0);
      // cli-progress redraws in place; the last frame is the finished batch.
      const frames = screen.split('\u001b[1G').map((frame) => frame.replace(ANSI_ESCAPE, ''));
      const last = frames.at(-1) ?? '';
      expect(last).toMatch(/^PMP █+ page 10\/10 \| systems 250 \| coverage 100\.0% \| ETA \S+ \| errors 1/);
      expect(
        frames.some((frame) => /page [1-9]\/10 \| systems \d+ \| coverage \d+\.\d% \| ETA /.test(frame)),
      ).toBe(true);
      // No JSON reached the terminal: it all went to the log file.
      expect(screen).not.toContain('{"');
      expect(screen).not.toContain('event_type');
      const [name] = readdirSync(join(dirs.dir, 'logs'));
      expect([`pmp-${utcDate(before)}.log`, `pmp-${utcDate(Date.now())}.log`]).toContain(name);
      const log = validateEventStream(readFileSync(join(dirs.dir, 'logs', name ?? ''), 'utf8'));
      expect(ofType(log, 'extraction_progress')).toHaveLength(10);
    },
  );

  it('a non-TTY run writes nothing but JSON to stdout and nothing to stderr', async () => {
    // A simulator of its own: the pty run above consumed page 3's scripted failure.
    const piped = await createSimulator({ profile: 'clean', settings: sim.settings });
    const run = await runValidated([], obsEnv(piped, runDirs())).finally(() => piped.close());
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('PMP █');
    expect(run.stdout).not.toContain('\u001b');
    // runValidated already checked every line against the schema; the failures are in it.
    expect(ofType(run.log, 'page_extraction_failed')).toHaveLength(1);
    expect(ofType(run.log, 'extraction_progress')).toHaveLength(10);
  });
});

describe('--log-file', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ profile: 'clean', settings: { systems: 100 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('writes PATH with the UTC date inserted, mode 0600 in a 0700 folder, and nothing on stdout or stderr', async () => {
    const dirs = runDirs();
    const folder = join(dirs.dir, 'var', 'log');
    const before = Date.now();
    const run = await runValidated(
      ['--log-file', join(folder, 'pmp.log'), '--batch-pages', '2'],
      obsEnv(sim, dirs),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    expect([`pmp-${utcDate(before)}.log`, `pmp-${utcDate(Date.now())}.log`]).toContain(files[0]);
    const path = join(folder, files[0] ?? '');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const log = validateEventStream(readFileSync(path, 'utf8'));
    expect(log[0]?.event_type).toBe('run_start');
    expect(log.at(-1)?.event_type).toBe('run_complete');
  });

  it('a second run appends to the day file (and tightens a loosened mode back to 0600)', async () => {
    const dirs = runDirs();
    const env = obsEnv(sim, dirs, { PMP_LOG_FILE: join(dirs.dir, 'pmp.log'), PMP_BATCH_PAGES: '2' });
    const first = await runValidated([], env);
    expect(first.code).toBe(0);
    const [name] = readdirSync(dirs.dir).filter((file) => file.startsWith('pmp-'));
    const path = join(dirs.dir, name ?? '');
    const firstText = readFileSync(path, 'utf8');
    chmodSync(path, 0o644);
    const second = await runValidated([], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    const bothText = readFileSync(path, 'utf8');
    expect(bothText.startsWith(firstText)).toBe(true);
    const log = validateEventStream(bothText);
    expect(log.filter((event) => event.event_type === 'run_start')).toHaveLength(2);
    expect(ofType(log, 'batch_start').map((event) => event.start_page)).toEqual([1, 3]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('prunes its own day files older than PMP_LOG_RETENTION_DAYS and leaves everything else', async () => {
    const dirs = runDirs();
    const now = Date.now();
    const old = [`pmp-2020-01-01.log`, `pmp-${utcDate(now - 3 * DAY_MS)}.log`];
    const kept = [
      `pmp-${utcDate(now - 1 * DAY_MS)}.log`,
      'other-2020-01-01.log',
      'pmp-2020-01-01.log.gz',
      'pmp.log',
    ];
    for (const name of [...old, ...kept]) writeFileSync(join(dirs.dir, name), 'old\n');
    const run = await runValidated(
      ['--log-file', join(dirs.dir, 'pmp.log')],
      obsEnv(sim, dirs, { PMP_LOG_RETENTION_DAYS: '2', PMP_BATCH_PAGES: '1' }),
    );
    expect(run.code).toBe(0);
    const files = readdirSync(dirs.dir).filter((file) => file !== 'pmp.db' && !file.startsWith('pmp.db'));
    const today = [`pmp-${utcDate(now)}.log`, `pmp-${utcDate(Date.now())}.log`];
    for (const name of old) expect(files).not.toContain(name);
    for (const name of kept) expect(files).toContain(name);
    expect(files.some((file) => today.includes(file))).toBe(true);
  });
});
