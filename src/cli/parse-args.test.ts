import { describe, expect, it } from 'vitest';
import { parseArgs } from './parse-args.ts';

function parse(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const result = parseArgs(argv, {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    version: '9.9.9',
  });
  return { result, stdout, stderr };
}

describe('parseArgs', () => {
  it('defaults to one extraction batch', () => {
    expect(parse([]).result).toEqual({ kind: 'extract', flags: {}, reset: false });
  });

  it('passes flags through', () => {
    const { result } = parse([
      '--db',
      '/tmp/x.db',
      '--batch-pages',
      '7',
      '--log-file',
      '/tmp/l.log',
      '--log-level',
      'debug',
      '--metrics-file',
      '/tmp/m.prom',
      '--keep-snapshots',
      '3',
      '--until-complete',
      '--reset',
    ]);
    expect(result).toEqual({
      kind: 'extract',
      reset: true,
      flags: {
        dbPath: '/tmp/x.db',
        batchPages: '7',
        logFile: '/tmp/l.log',
        logLevel: 'debug',
        metricsFile: '/tmp/m.prom',
        keepSnapshots: '3',
        untilComplete: true,
      },
    });
  });

  it('reads --status and --status --json', () => {
    expect(parse(['--status']).result).toEqual({ kind: 'status', flags: {}, json: false });
    expect(parse(['--status', '--json', '--db', 'a.db']).result).toEqual({
      kind: 'status',
      flags: { dbPath: 'a.db' },
      json: true,
    });
  });

  it('reads --status --check with its age limit, and check', () => {
    expect(parse(['--status', '--check']).result).toEqual({
      kind: 'status',
      flags: {},
      json: false,
      check: {},
    });
    expect(parse(['--status', '--check', '--max-age-hours', '12']).result).toMatchObject({
      check: { maxAgeHours: '12' },
    });
    expect(parse(['check', '--db', 'c.db']).result).toEqual({ kind: 'check', flags: { dbPath: 'c.db' } });
    for (const args of [
      ['--check'],
      ['--status', '--max-age-hours', '3'],
      ['--status', '--check', '--json'],
    ]) {
      expect(parse(args).result).toEqual({ kind: 'exit', code: 1 });
    }
  });

  it('gives subcommand flags to the subcommand (demo --db)', () => {
    expect(parse(['demo', '--db', 'd.db']).result).toEqual({
      kind: 'demo',
      flags: { dbPath: 'd.db' },
      profile: 'seed',
      seed: 1,
    });
  });

  it('reads simulate and demo', () => {
    expect(parse(['simulate', '--profile', 'chaos', '--seed', '7', '--port', '0']).result).toEqual({
      kind: 'simulate',
      profile: 'chaos',
      seed: 7,
      port: 0,
    });
    expect(parse(['demo']).result).toEqual({ kind: 'demo', flags: {}, profile: 'seed', seed: 1 });
  });

  it('documents every flag and environment variable in --help', () => {
    const { result, stdout } = parse(['--help']);
    expect(result).toEqual({ kind: 'exit', code: 0 });
    for (const name of [
      '--db',
      '--batch-pages',
      '--log-file',
      '--log-level',
      '--metrics-file',
      '--until-complete',
      '--status',
      '--json',
      '--reset',
      'PMP_SERVER_URL',
      'PMP_ACCOUNTS_URL',
      'PMP_CLIENT_SECRET',
      'PMP_CREDENTIALS_FILE',
      'PMP_TOKEN_COMMAND',
      'PMP_PAGE_DELAY_MS',
      'PMP_MAX_RETRY_AFTER_S',
      'PMP_THROTTLE_WAIT_MS',
      'PMP_TARGET_PCT',
      'SLACK_WEBHOOK_URL',
      'POST_EXTRACTION_HOOK',
    ]) {
      expect(stdout).toContain(name);
    }
  });

  it('rejects unknown flags and bad choices with exit 1 and a message on stderr', () => {
    const unknown = parse(['--frobnicate']);
    expect(unknown.result).toEqual({ kind: 'exit', code: 1 });
    expect(unknown.stderr).toContain('unknown option');
    expect(parse(['simulate', '--profile', 'nope']).result).toEqual({ kind: 'exit', code: 1 });
  });

  it('rejects flag combinations that would silently do something else', () => {
    expect(parse(['--json']).result).toEqual({ kind: 'exit', code: 1 });
    expect(parse(['--json']).stderr).toContain('--json only goes with --status');
    expect(parse(['--status', '--reset']).result).toEqual({ kind: 'exit', code: 1 });
  });

  it('prints the version', () => {
    const { result, stdout } = parse(['--version']);
    expect(result).toEqual({ kind: 'exit', code: 0 });
    expect(stdout).toContain('9.9.9');
  });
});
