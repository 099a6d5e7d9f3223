import { describe, expect, it } from 'vitest';
import { SecretRegistry } from './secrets.ts';

describe('SecretRegistry', () => {
  it('replaces every occurrence of a registered secret', () => {
    const secrets = new SecretRegistry();
    secrets.add('1000.abcdef123456');
    expect(secrets.scrub('token=1000.abcdef123456; again 1000.abcdef123456')).toBe(
      'token=[redacted]; again [redacted]',
    );
  });

  it('replaces the URL-encoded, form-encoded and JSON-escaped forms', () => {
    const secrets = new SecretRegistry();
    const secret = 'a/b+c d"e';
    secrets.add(secret);
    expect(secrets.scrub(`q=${encodeURIComponent(secret)}`)).toBe('q=[redacted]');
    expect(secrets.scrub('q=a%2fb%2bc%20d%22e')).toBe('q=[redacted]');
    expect(secrets.scrub(new URLSearchParams({ q: secret }).toString())).toBe('q=[redacted]');
    expect(secrets.scrub(JSON.stringify({ q: secret }))).toBe('{"q":"[redacted]"}');
  });

  it('ignores empty, missing and short values', () => {
    const secrets = new SecretRegistry();
    secrets.add('');
    secrets.add('abc');
    secrets.add(undefined);
    secrets.add(null);
    expect(secrets.size).toBe(0);
    expect(secrets.scrub('abc')).toBe('abc');
  });

  it('replaces a longer secret whole even when it contains a shorter one', () => {
    const secrets = new SecretRegistry();
    secrets.add('secret');
    secrets.add('secret-and-more');
    expect(secrets.scrub('x secret-and-more y secret')).toBe('x [redacted] y [redacted]');
  });

  it('replaces a cut-off prefix or suffix of an opaque secret (a truncated quote)', () => {
    const secrets = new SecretRegistry();
    const token = '1000.8f14e45fceea167a5a36dedd4bea2543.c9f0f895fb98ab9159f51fd0297e236d';
    secrets.add(token);
    expect(secrets.scrub(`failed (last: HTTP 500 (${token.slice(0, 40)})); stop`)).toBe(
      'failed (last: HTTP 500 ([redacted])); stop',
    );
    expect(secrets.scrub(`…${token.slice(-20)} end`)).toBe('…[redacted] end');
    expect(secrets.scrub(`a ${token.slice(0, 12)} b ${token.slice(0, 30)}`)).toBe(
      'a [redacted] b [redacted]',
    );
    // Shorter than FRAGMENT_CHARS, or not the start or end: left alone.
    expect(secrets.scrub(`x ${token.slice(0, 11)} y ${token.slice(10, 30)}`)).toBe(
      `x ${token.slice(0, 11)} y ${token.slice(10, 30)}`,
    );
  });

  it('does not cut URL-like secrets into fragments (their prefix is any URL on the same host)', () => {
    const secrets = new SecretRegistry();
    secrets.add('https://hooks.slack.com/services/T000/B000/q7Lm2Wc9Zt4Rk8Vp');
    expect(secrets.scrub('see https://hooks.slack.com/services for help')).toBe(
      'see https://hooks.slack.com/services for help',
    );
  });

  it('mayContain is true exactly when scrub would change the text (D91)', () => {
    const secrets = new SecretRegistry();
    const token = '1000.8f14e45fceea167a5a36dedd4bea2543.c9f0f895fb98ab9159f51fd0297e236d';
    secrets.add(token);
    secrets.add('pass word/x');
    const texts = [
      'nothing here',
      `head ${token.slice(0, 12)} only`,
      `tail ${token.slice(-12)} only`,
      `whole ${token}`,
      'pass%20word%2Fx in a URL',
      'pass+word%2fx in a form',
      `almost ${token.slice(1, 13)}`,
      'pass word',
    ];
    for (const text of texts) expect(secrets.mayContain(text), text).toBe(secrets.scrub(text) !== text);
  });
});
