import { describe, expect, it } from 'vitest';
import { redactText, SAMPLE_MAX_CHARS } from '../platform/index.ts';
import { SecretRegistry } from './secrets.ts';

describe('redactText', () => {
  it('removes secrets, then PII, then cuts to 1 KB', () => {
    const secrets = new SecretRegistry();
    secrets.add('tok_very_secret');
    const text = `Bearer tok_very_secret for ops@corp.com at 10.1.2.3 ${'z'.repeat(2000)}`;
    const result = redactText(text, secrets);
    expect(result.startsWith('Bearer [redacted] for [email] at [ipv4] ')).toBe(true);
    expect(result).toHaveLength(SAMPLE_MAX_CHARS);
  });

  it('scrubs a secret that sits beyond the 1 KB cut of a long text', () => {
    const secrets = new SecretRegistry();
    secrets.add('tok_very_secret');
    const text = `${'tok_very_secret '.repeat(500)}end`;
    expect(redactText(text, secrets)).not.toContain('tok_');
  });
});
