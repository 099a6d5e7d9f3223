/**
 * Hostile token answers, property-based (D62): 2,000 token-endpoint answers and 2,000 token-command
 * outputs per run. Each is a token that fits in an HTTP header, a retry, or an ExtractorError with a
 * documented code; nothing else escapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyTokenAnswer } from '../../src/auth/token-answer.ts';
import { parseCommandOutput } from '../../src/auth/token-command.ts';
import { isExtractorError } from '../../src/platform/index.ts';

const RUNS = 2000;
const ACCOUNTS_URL = 'https://accounts.zoho.com.au';
const TOKEN_CODES = ['credentials_rejected', 'token_unavailable', 'token_throttled'];

const tokenWord = fc.oneof(
  fc.stringMatching(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'a b', 'tok\n', '\u0000', 'x'.repeat(4096), 'x'.repeat(4097), 't'.repeat(100_000)),
);
const jsonValue = fc.oneof(
  tokenWord,
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, [], {}, '3600', -1, 1e300, Number.NaN),
);
const tokenBody = fc.oneof(
  fc
    .record(
      {
        access_token: jsonValue,
        expires_in: jsonValue,
        expires_in_sec: jsonValue,
        token_type: fc.constantFrom('Bearer', 'Zoho-oauthtoken'),
        error: fc.constantFrom('invalid_code', 'invalid_client', 'Access Denied', 'unknown', '<script>'),
        error_description: fc.constantFrom('You have made too many requests continuously', ''),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  fc.constantFrom(
    '',
    '<html>502</html>',
    '{',
    '[]',
    'null',
    '"token"',
    '{"access_token":"a"}garbage',
    '\uFEFF{}',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 10, max: 100_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
);
const status = fc.constantFrom(200, 200, 200, 201, 204, 301, 302, 400, 401, 403, 429, 500, 502, 503);

function expectPlausible(accessToken: string): void {
  expect(accessToken.length).toBeGreaterThan(0);
  expect(accessToken.length).toBeLessThanOrEqual(4096);
  expect(accessToken).toMatch(/^[\x21-\x7e]+$/);
}

describe('hostile token answers (fast-check, 2,000 per run each)', () => {
  it('a token-endpoint answer is a plausible token, a retry or a documented fatal error', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(status, tokenBody, (code, body) => {
        const answer = classifyTokenAnswer(code, body, ACCOUNTS_URL);
        kinds.add(answer.kind);
        switch (answer.kind) {
          case 'token':
            expectPlausible(answer.token.accessToken);
            if (answer.token.ttlS !== null) expect(answer.token.ttlS).toBeGreaterThan(0);
            break;
          case 'retry':
            expect(typeof answer.detail).toBe('string');
            break;
          case 'fatal':
            expect(TOKEN_CODES).toContain(answer.error.code);
            expect(answer.error.message).not.toContain('t'.repeat(200));
            break;
        }
      }),
      { numRuns: RUNS, seed: 21 },
    );
    expect([...kinds].sort()).toEqual(['fatal', 'retry', 'token']);
  });

  it('a token command output is a plausible token or token_unavailable, never a cut-down word', () => {
    const output = fc.oneof(
      tokenWord,
      tokenBody,
      tokenBody.map((body) => `${body}\n${body}`),
    );
    fc.assert(
      fc.property(output, (printed) => {
        let parsed: ReturnType<typeof parseCommandOutput>;
        try {
          parsed = parseCommandOutput(printed.trim());
        } catch (error) {
          expect(isExtractorError(error) && error.code === 'token_unavailable').toBe(true);
          return;
        }
        expectPlausible(parsed.accessToken);
        expect(printed).toContain(parsed.accessToken);
      }),
      { numRuns: RUNS, seed: 22 },
    );
  });
});
