import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback.ts';

const hostOf = (url: string): string => new URL(url).hostname;

describe('isLoopbackHost (D26)', () => {
  it.each([
    'http://localhost:8080',
    'http://127.0.0.1:8080',
    'http://127.1.2.3/',
    'http://127.255.255.255/',
    'http://127.1/', // WHATWG URL normalises the shorthand to 127.0.0.1
    'http://[::1]:9/',
    'http://[0:0:0:0:0:0:0:1]/',
  ])('%s is loopback', (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(true);
  });

  it.each([
    'http://127.attacker.example/',
    'http://127.0.0.1.nip.io/',
    'http://127.0.0.1.example/',
    'http://localhost.attacker.example/',
    'http://128.0.0.1/',
    'http://10.0.0.1/',
    'http://[::2]/',
    'http://[::ffff:7f00:1]/',
    'http://example.com/',
  ])('%s is not loopback', (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(false);
  });

  it('refuses out-of-range octets given as a raw host name', () => {
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
  });
});
