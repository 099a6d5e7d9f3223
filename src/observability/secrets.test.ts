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
});
