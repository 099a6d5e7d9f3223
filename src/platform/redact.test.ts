import { describe, expect, it } from 'vitest';
import { redactPii, SAMPLE_MAX_CHARS, sanitizeSample } from './redact.ts';

describe('redactPii', () => {
  it('redacts email addresses, also URL-encoded', () => {
    expect(redactPii('contact jane.doe+it@corp.example.com.au now')).toBe('contact [email] now');
    expect(redactPii('?user=jane%40corp.example.com')).toBe('?user=[email]');
  });

  it('redacts internationalised and JSON-escaped email addresses', () => {
    expect(redactPii('owner José.Ñ@exämple.com left')).toBe('owner [email] left');
    expect(redactPii('{"owner":"admin\\u0040example.com"}')).toBe('{"owner":"[email]"}');
  });

  it('redacts IPv4 addresses, with ports and in JSON', () => {
    expect(redactPii('from 10.0.0.1:8080')).toBe('from [ipv4]:8080');
    expect(redactPii('{"ip":"192.168.254.7"}')).toBe('{"ip":"[ipv4]"}');
    expect(redactPii('255.255.255.255.')).toBe('[ipv4].');
  });

  it.each([
    ['fe80::1', '[ipv6]'],
    ['::1', '[ipv6]'],
    ['::', '[ipv6]'],
    ['2001:db8::ff00:42:8329', '[ipv6]'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '[ipv6]'],
    ['::ffff:192.0.2.1', '[ipv6]'],
    ['fe80::1%eth0', '[ipv6]'],
    ['[2001:db8::1]:443', '[[ipv6]]:443'],
    ['host fe80::1: down', 'host [ipv6]: down'],
    ['FE80::ABCD', '[ipv6]'],
  ])('redacts the IPv6 form %s', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  // D27: the encoded forms an address takes inside query strings and twice-escaped JSON.
  it.each([
    ['?ip=2001%3Adb8%3A%3A1&x=1', '?ip=[ipv6]&x=1'],
    ['{"ip":"fe80%3a%3a1"}', '{"ip":"[ipv6]"}'],
    ['?user=erin%2Ejones%40example%2Ecom', '?user=[email]'],
    ['{"owner":"erin.jones\\\\u0040example.com"}', '{"owner":"[email]"}'],
    ['{"owner":"erin\\u002ejones\\u0040example\\u002ecom"}', '{"owner":"[email]"}'],
    ['?ip=10%2E0%2E0%2E1&x=1', '?ip=[ipv4]&x=1'],
  ])('redacts the encoded form %s', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each([
    '2026-11-26T17:30:00.123Z',
    'at 12:30:45 UTC',
    'took 00:01:02.5',
    'std::vector and Foo::bar',
    'mac 00:1a:2b:3c:4d:5e',
    'version 1.2.3.4.5',
    'build 10.0.19045',
    'ratio 3:2',
  ])('leaves %s alone', (text) => {
    expect(redactPii(text)).toBe(text);
  });
});

describe('sanitizeSample', () => {
  it('keeps null as null and short text as is', () => {
    expect(sanitizeSample(null)).toBeNull();
    expect(sanitizeSample('<html>503</html>')).toBe('<html>503</html>');
  });

  it('cuts to 1 KB after redaction, so an address at the cut cannot leak half', () => {
    const text = `${'x'.repeat(1020)} bob@example.com tail`;
    const sample = sanitizeSample(text);
    expect(sample).toHaveLength(SAMPLE_MAX_CHARS);
    expect(sample).not.toContain('bob');
  });

  it('caps a 10 MB body at 1 KB', () => {
    expect(sanitizeSample('a'.repeat(10_000_000))).toHaveLength(SAMPLE_MAX_CHARS);
  });

  it('drops an address cut by the redaction window even when redaction shrank the text', () => {
    // Long emails shrink to "[email]", so text from the window's end lands inside the 1 KB sample.
    const unit = `${'a'.repeat(40)}@example.com `;
    const prefix = unit.repeat(Math.floor(4090 / unit.length)).padEnd(4090, ' ');
    const text = `${prefix}192.168.100.200 and more text after the window`;
    const cutAt = 4096;
    const ip = text.indexOf('192.168');
    expect(ip).toBeLessThan(cutAt);
    expect(ip + '192.168.100.200'.length).toBeGreaterThan(cutAt);
    const sample = sanitizeSample(text) ?? '';
    expect(sample.length).toBeLessThan(SAMPLE_MAX_CHARS);
    expect(sample).not.toMatch(/192\.168/);
    expect(sample).not.toMatch(/@ex\.com/);
  });
});

describe('redaction cost', () => {
  it('stays linear on long runs of address-like characters', () => {
    const startedMs = performance.now();
    redactPii('a.1'.repeat(30_000));
    redactPii('ab:'.repeat(30_000));
    // Quadratic backtracking would take tens of seconds here; linear takes a few ms.
    expect(performance.now() - startedMs).toBeLessThan(2_000);
  });
});
