/** The built CLI's usage surface (issue 4): --help documents every flag and D2 variable; bad usage exits 1. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from '../support/run-cli.ts';
import { spawnSync } from 'node:child_process';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI_PATH, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
}

const D2_VARIABLES = [
  'PMP_SERVER_URL',
  'PMP_ACCOUNTS_URL',
  'PMP_CLIENT_ID',
  'PMP_CLIENT_SECRET',
  'PMP_REFRESH_TOKEN',
  'PMP_CREDENTIALS_FILE',
  'PMP_TOKEN_COMMAND',
  'PMP_DB_PATH',
  'PMP_BATCH_PAGES',
  'PMP_PAGE_SIZE',
  'PMP_PAGE_DELAY_MS',
  'PMP_REQUEST_TIMEOUT_MS',
  'PMP_MAX_ATTEMPTS',
  'PMP_BACKOFF_BASE_MS',
  'PMP_MAX_RETRY_AFTER_S',
  'PMP_THROTTLE_WAIT_MS',
  'PMP_TARGET_PCT',
  'PMP_LOG_FILE',
  'PMP_LOG_LEVEL',
  'SLACK_WEBHOOK_URL',
  'POST_EXTRACTION_HOOK',
];
const FLAGS = [
  '--db',
  '--batch-pages',
  '--log-file',
  '--log-level',
  '--metrics-file',
  '--until-complete',
  '--status',
  '--json',
  '--reset',
];

describe('pmp-extractor --help', () => {
  it('documents every flag, every D2 variable, the commands and the exit codes', () => {
    const result = cli('--help');
    expect(result.status).toBe(0);
    for (const name of [...D2_VARIABLES, ...FLAGS, 'simulate', 'demo', 'Exit codes'])
      expect(result.stdout).toContain(name);
  });

  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = cli('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('exits 1 with a usage message on an unknown flag, writing nothing to stdout', () => {
    const result = cli('--frobnicate');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(result.stdout).toBe('');
  });
});
