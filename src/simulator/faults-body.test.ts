import { afterEach, describe, expect, it } from 'vitest';
import { CORRUPT_PAGE, DAILY_QUOTA_CODE, PII_SENTENCE, THROTTLE_PAGE } from './bodies.ts';
import type { Fault } from './faults.ts';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  envelopeOf,
  recordsOf,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

/** One request for page 1 whose first answer is `fault`; returns it and a second, normal answer. */
async function scripted(
  fault: Fault,
  piiInErrors = false,
): Promise<{ res: Response; text: string; next: Response }> {
  const sim = await startSimulator({ settings: { systems: 40, piiInErrors, pageScripts: { 1: [fault] } } });
  const token = await getToken(sim);
  const res = await fetchPage(sim, token, { page: 1 });
  const text = await res.text();
  const next = await fetchPage(sim, token, { page: 1 });
  expect(
    sim
      .stats()
      .requests.filter((entry) => entry.page === 1)
      .map((entry) => entry.fault),
  ).toEqual([fault.kind, null]);
  return { res, text, next };
}

function expectInvalidJson(text: string): void {
  expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
}

describe('body-shaped faults, each consumed once per script entry', () => {
  it('status: 5xx with the documented JSON error body', async () => {
    const { res, text, next } = await scripted({ kind: 'status', status: 503 });
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      status: 'error',
      error_code: 'SERVICE_UNAVAILABLE',
      error_description: 'dc.rest.service_unavailable',
    });
    expect(next.status).toBe(200);
    expect(recordsOf(await next.text())).toHaveLength(25);
  });

  it('status: 500 with the DCAPI internal error code, any code and description', async () => {
    const internal = await scripted({ kind: 'status', status: 500 });
    expect(JSON.parse(internal.text)).toMatchObject({
      error_code: 'INTERNAL_ERROR',
      error_description: 'dc.rest.api_internal_error',
    });
    const custom = await scripted({
      kind: 'status',
      status: 418,
      errorCode: 'TEAPOT',
      errorDescription: 'short and stout',
    });
    expect(custom.res.status).toBe(418);
    expect(JSON.parse(custom.text)).toEqual({
      status: 'error',
      error_code: 'TEAPOT',
      error_description: 'short and stout',
    });
  });

  it('status: an HTML 500 page', async () => {
    const { res, text } = await scripted({ kind: 'status', status: 500, body: 'html' });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(text).toMatch(/^<!DOCTYPE html><html>.*500 Internal Server Error/);
  });

  it('rate_limit: 429 with Retry-After in seconds', async () => {
    const { res, text } = await scripted({ kind: 'rate_limit', retryAfter: 'seconds', retryAfterS: 7 });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(JSON.parse(text)).toMatchObject({ status: 'error', error_code: 'TOO_MANY_REQUESTS' });
  });

  it('rate_limit: 429 with Retry-After as an HTTP-date', async () => {
    const before = Date.now();
    const { res } = await scripted({ kind: 'rate_limit', retryAfter: 'http-date', retryAfterS: 30 });
    const header = res.headers.get('retry-after') ?? '';
    expect(header).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const aheadMs = Date.parse(header) - before;
    expect(aheadMs).toBeGreaterThan(28_000);
    expect(aheadMs).toBeLessThanOrEqual(31_000);
  });

  it('html_throttle: status 200 with the HTML please-wait page', async () => {
    const { res, text } = await scripted({ kind: 'html_throttle' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(text).toBe(THROTTLE_PAGE);
    expect(text).toMatch(/^<!DOCTYPE html>/);
    expect(text).toMatch(/Please wait/);
    expect(text).toMatch(/being processed/);
  });

  it('html_corrupt: status 200 with an HTML error body that is not a throttle page', async () => {
    const { res, text } = await scripted({ kind: 'html_corrupt' });
    expect(res.status).toBe(200);
    expect(text).toBe('<html><body>Internal Server Error</body></html>');
    expect(text).toBe(CORRUPT_PAGE);
    expect(text).not.toMatch(/please wait|being processed/i);
  });

  it('daily_quota: 429, API_LIMIT_EXCEEDED and a Retry-After up to midnight UTC', async () => {
    const { res, text } = await scripted({ kind: 'daily_quota' });
    expect(res.status).toBe(429);
    expect(JSON.parse(text)).toMatchObject({ status: 'error', error_code: DAILY_QUOTA_CODE });
    expect(JSON.parse(text)).toMatchObject({
      error_description: expect.stringMatching(/daily API request limit/) as unknown,
    });
    const retryAfterS = Number(res.headers.get('retry-after'));
    expect(retryAfterS).toBeGreaterThan(0);
    expect(retryAfterS).toBeLessThanOrEqual(86_400);
    const bare = await scripted({ kind: 'daily_quota', status: 403, retryAfter: false });
    expect(bare.res.status).toBe(403);
    expect(bare.res.headers.get('retry-after')).toBeNull();
  });

  it('truncated_json: a complete HTTP message whose JSON is cut short', async () => {
    const { res, text } = await scripted({ kind: 'truncated_json' });
    expect(res.status).toBe(200);
    expect(text.startsWith('{"message_type":"scandetails"')).toBe(true);
    expectInvalidJson(text);
  });

  it('empty_body: 200 with zero bytes', async () => {
    const { res, text } = await scripted({ kind: 'empty_body' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('0');
    expect(text).toBe('');
  });

  it('json_parse: starts like the envelope but is not JSON', async () => {
    const { res, text } = await scripted({ kind: 'json_parse' });
    expect(res.status).toBe(200);
    expect(text.startsWith('{"message_type":"scandetails"')).toBe(true);
    expectInvalidJson(text);
  });

  it('auth_error: the INVALID_OAUTHTOKEN refusal although the token is valid', async () => {
    const { res, text, next } = await scripted({ kind: 'auth_error' });
    expect(res.status).toBe(401);
    expect(JSON.parse(text)).toMatchObject({ error_description: 'INVALID_OAUTHTOKEN' });
    expect(next.status).toBe(200);
  });

  it('total_as_string and records_under_computers reshape one response', async () => {
    const asString = await scripted({ kind: 'total_as_string' });
    expect(envelopeOf(asString.text).message_response.total).toBe('40');
    expect(envelopeOf(await asString.next.text()).message_response.total).toBe(40);
    const computers = await scripted({ kind: 'records_under_computers' });
    expect(envelopeOf(computers.text).message_type).toBe('scandetails');
    expect(recordsOf(computers.text, 'computers')).toHaveLength(25);
  });

  it('puts an email and IPv4/IPv6 addresses into error bodies when piiInErrors is set', async () => {
    const json = await scripted({ kind: 'status', status: 500 }, true);
    expect(json.text).toContain(PII_SENTENCE);
    expect(json.text).toMatch(/admin@example\.com/);
    expect(json.text).toMatch(/10\.1\.2\.3/);
    expect(json.text).toMatch(/fe80::1/);
    expect((await scripted({ kind: 'status', status: 502, body: 'html' }, true)).text).toContain(
      'admin@example.com',
    );
    expect((await scripted({ kind: 'daily_quota' }, true)).text).toContain('10.1.2.3');
    expect((await scripted({ kind: 'status', status: 500 })).text).not.toContain('@');
  });
});
