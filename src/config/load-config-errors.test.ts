import { describe, expect, it } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import { loadConfig } from './load-config.ts';

function messageFor(env: Record<string, string>, overrides = {}): string {
  try {
    loadConfig(env, overrides, '/home/op');
  } catch (error) {
    expect(error).toBeInstanceOf(ExtractorError);
    expect((error as ExtractorError).code).toBe('config_invalid');
    return (error as ExtractorError).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig validation', () => {
  it.each([
    ['PMP_SERVER_URL', 'ftp://x', 'an https:// URL without credentials (http:// only on localhost)'],
    ['PMP_SERVER_URL', 'not a url', 'an https:// URL without credentials (http:// only on localhost)'],
    [
      'PMP_ACCOUNTS_URL',
      'accounts.zoho.com',
      'an https:// URL without credentials (http:// only on localhost)',
    ],
    [
      'PMP_SERVER_URL',
      'http://patch.example.com',
      'an https:// URL without credentials (http:// only on localhost)',
    ],
    // D26: a host name that merely starts with 127. is not loopback.
    [
      'PMP_SERVER_URL',
      'http://127.attacker.example',
      'an https:// URL without credentials (http:// only on localhost)',
    ],
    [
      'PMP_ACCOUNTS_URL',
      'http://127.0.0.1.nip.io',
      'an https:// URL without credentials (http:// only on localhost)',
    ],
    ['PMP_BATCH_PAGES', 'abc', 'a whole number from 1 to 10000'],
    ['PMP_BATCH_PAGES', '0', 'a whole number from 1 to 10000'],
    ['PMP_BATCH_PAGES', '10001', 'a whole number from 1 to 10000'],
    ['PMP_PAGE_SIZE', '1001', 'a whole number from 1 to 1000'],
    ['PMP_KEEP_SNAPSHOTS', '0', 'a whole number from 1 to 10000'],
    ['PMP_KEEP_SNAPSHOTS', '2.5', 'a whole number from 1 to 10000'],
    ['PMP_PAGE_DELAY_MS', '-1', 'a whole number of at least 0'],
    ['PMP_REQUEST_TIMEOUT_MS', '0', 'a whole number of at least 1'],
    ['PMP_MAX_ATTEMPTS', '11', 'a whole number from 1 to 10'],
    ['PMP_BACKOFF_BASE_MS', '1.5', 'a whole number of at least 0'],
    ['PMP_MAX_RETRY_AFTER_S', '5m', 'a whole number of at least 0'],
    ['PMP_THROTTLE_WAIT_MS', '1e3', 'a whole number of at least 0'],
    ['PMP_TARGET_PCT', '0', 'a number above 0 and at most 100'],
    ['PMP_TARGET_PCT', '100.1', 'a number above 0 and at most 100'],
    ['PMP_LOG_LEVEL', 'verbose', 'one of debug, info, warning, error, critical'],
    ['PMP_MAX_BODY_BYTES', '0', 'a whole number of at least 1'],
    ['PMP_TOKEN_BUDGET', '11', 'a whole number from 1 to 10'],
    ['PMP_TOKEN_COMMAND_TIMEOUT_MS', 'x', 'a whole number of at least 1'],
    ['PMP_HOOK_TIMEOUT_MS', '99999999999999999999', 'a whole number of at least 1'],
    ['PMP_LOG_RETENTION_DAYS', '0', 'a whole number from 1 to 3650'],
    ['PMP_MAX_SHRINK_PCT', '0', 'a whole number from 1 to 100'],
  ])('%s=%s names the variable and the expected form', (name, value, expected) => {
    expect(messageFor({ [name]: value })).toContain(
      `${name} must be ${expected} (got ${JSON.stringify(value)})`,
    );
  });

  it('gives the exact message for one bad variable', () => {
    expect(messageFor({ PMP_BATCH_PAGES: 'abc' })).toBe(
      'invalid configuration: PMP_BATCH_PAGES must be a whole number from 1 to 10000 (got "abc")',
    );
  });

  it('lists every bad variable in one message', () => {
    const message = messageFor({ PMP_BATCH_PAGES: 'abc', PMP_PAGE_SIZE: '0', PMP_LOG_LEVEL: 'loud' });
    expect(message).toContain('PMP_BATCH_PAGES');
    expect(message).toContain('PMP_PAGE_SIZE');
    expect(message).toContain('PMP_LOG_LEVEL');
  });

  it('names the flag when a flag value is bad', () => {
    const message = messageFor({ PMP_BATCH_PAGES: '10' }, { batchPages: 'many', logLevel: 'chatty' });
    expect(message).toContain('--batch-pages must be a whole number from 1 to 10000 (got "many")');
    expect(message).toContain('--log-level must be one of');
  });

  it('never echoes URL credentials or overlong values', () => {
    const canary = 'canary-pass-8812';
    const message = messageFor({
      PMP_SERVER_URL: `https://user:${canary}@patch.manageengine.com`,
      PMP_ACCOUNTS_URL: `ftp://user:${canary}@accounts.zoho.com`,
      PMP_PAGE_SIZE: 'x'.repeat(500),
    });
    expect(message).not.toContain(canary);
    expect(message).toContain('PMP_SERVER_URL');
    expect(message).toContain('PMP_ACCOUNTS_URL');
    expect(message.length).toBeLessThan(600);
  });

  it('never echoes secret variables, and does not validate them here', () => {
    const env = {
      SLACK_WEBHOOK_URL: 'canary-webhook-4471 not a url',
      PMP_CLIENT_SECRET: 'canary-secret-1',
      PMP_REFRESH_TOKEN: 'canary-refresh-2',
      PMP_BATCH_PAGES: 'x',
    };
    const message = messageFor(env);
    for (const secret of ['canary-webhook-4471', 'canary-secret-1', 'canary-refresh-2']) {
      expect(message).not.toContain(secret);
    }
    expect(loadConfig({ SLACK_WEBHOOK_URL: env.SLACK_WEBHOOK_URL }, {}, '/h').slackWebhookUrl).toBe(
      env.SLACK_WEBHOOK_URL,
    );
  });
});
