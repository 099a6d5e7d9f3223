import { describe, expect, it } from 'vitest';
import { validateWebhookUrl } from './slack-url.ts';

describe('validateWebhookUrl', () => {
  it.each([
    'https://hooks.slack.com/services/T000/B000/q7Lm2Wc9',
    'http://127.0.0.1:8123/slack',
    'http://127.1.2.3/slack',
    'http://localhost:9/hook',
    'http://[::1]:8123/slack',
  ])('accepts %s', (url) => {
    expect(validateWebhookUrl(url)).toEqual({ ok: true, url: new URL(url).href });
  });

  it.each([
    ['ftp://hooks.slack.com/services/x', 'must use https://'],
    ['http://example.com/hook', 'non-loopback'],
    ['http://10.0.0.1/hook', 'non-loopback'],
    ['http://127.attacker.example/hook', 'non-loopback'],
    ['http://127.0.0.1.nip.io/hook', 'non-loopback'],
    ['garbage', 'not a valid URL'],
    ['hooks.slack.com/services/T000/B000/q7Lm2Wc9', 'not a valid URL'],
    ['', 'not set'],
    [undefined, 'not set'],
    [null, 'not set'],
  ])('rejects %s', (url, reason) => {
    const result = validateWebhookUrl(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('never echoes the URL in the reason', () => {
    const result = validateWebhookUrl('http://example.com/services/SECRETPATH');
    expect(JSON.stringify(result)).not.toContain('SECRETPATH');
  });
});
