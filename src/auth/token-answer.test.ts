/** D31: the token endpoint's access_token must be plausible before it goes into an HTTP header. */
import { describe, expect, it } from 'vitest';
import { classifyTokenAnswer } from './token-answer.ts';

const ACCOUNTS = 'https://accounts.zoho.com';
const answer = (body: unknown) => classifyTokenAnswer(200, JSON.stringify(body), ACCOUNTS);

describe('classifyTokenAnswer: implausible access tokens (D31)', () => {
  it('refuses an access_token over 4096 characters as fatal, without echoing it', () => {
    const result = answer({ access_token: 'z'.repeat(70_000), expires_in: 3600 });
    expect(result.kind).toBe('fatal');
    if (result.kind !== 'fatal') return;
    expect(result.error.code).toBe('token_unavailable');
    expect(result.error.message).toContain('an access token of 70000 characters');
    expect(result.error.message).toContain('at most 4096');
    expect(result.error.message).toContain('PMP_ACCOUNTS_URL');
    expect(result.error.message).not.toContain('zzzz');
  });

  it.each(['tok en', 'tok\ten', 'tok\u0000en', ''])(
    'refuses %j (whitespace, control chars, empty)',
    (token) => {
      const result = answer({ access_token: token });
      expect(result.kind).toBe('fatal');
      if (result.kind === 'fatal') expect(result.error.message).toContain('without a usable access_token');
    },
  );

  it('accepts a 4096-character token', () => {
    expect(answer({ access_token: 'a'.repeat(4096), expires_in: 3600 })).toEqual({
      kind: 'token',
      token: { accessToken: 'a'.repeat(4096), ttlS: 3600 },
    });
  });
});
