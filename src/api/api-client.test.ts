import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import {
  createFakeFetch,
  jsonResponse,
  scanDetailsPayload,
  textResponse,
} from '../../test/support/fake-fetch.ts';
import type { ScriptStep } from '../../test/support/fake-fetch.ts';
import { API_CLIENT_DEFAULTS } from '../../test/support/settings.ts';
import { redactText } from '../platform/index.ts';
import { createPacer } from '../retry/index.ts';
import { createApiClient } from './api-client.ts';
import type { ApiClientOptions } from './api-client.ts';

const TOKEN = 'canary-access-token-1000.abcdef';

function clientWith(script: ScriptStep[], options: Partial<ApiClientOptions> = {}) {
  const clock = new FakeClock();
  const fake = createFakeFetch(script);
  const client = createApiClient({
    baseUrl: 'https://pmp.test/',
    http: fake.http,
    pacer: createPacer(clock, 0),
    ...API_CLIENT_DEFAULTS,
    ...options,
  });
  return { client, fake, clock };
}

const signal = new AbortController().signal;

describe('createApiClient (scripted fetch)', () => {
  it('GETs scandetails with page/pagelimit and the token only in the Authorization header', async () => {
    const { client, fake } = clientWith([
      () => jsonResponse(scanDetailsPayload({ page: 2, total: '60', records: [{ resource_id: 1 }] })),
    ]);
    const result = await client.fetchScanDetailsPage(2, TOKEN, signal);
    expect(fake.calls[0]?.url).toBe('https://pmp.test/api/1.4/patch/scandetails?page=2&pagelimit=25');
    expect(fake.calls[0]?.headers['authorization']).toBe(`Zoho-oauthtoken ${TOKEN}`);
    expect(fake.calls[0]?.url).not.toContain(TOKEN);
    expect(result).toMatchObject({
      kind: 'http',
      status: 200,
      body: { kind: 'parsed', value: { page: 2, total: 60 } },
    });
  });

  it('sends the configured page size', async () => {
    const { client, fake } = clientWith([() => textResponse('')], { pageSize: 100 });
    await client.fetchScanDetailsPage(1, TOKEN, signal);
    expect(fake.calls[0]?.url).toMatch(/pagelimit=100$/);
  });

  it('sends the page size one request names, and parses with it when the API echoes none (D74)', async () => {
    const { client, fake } = clientWith([
      () =>
        jsonResponse(JSON.stringify({ status: 'success', message_response: { total: 3, scandetails: [] } })),
    ]);
    const result = await client.fetchScanDetailsPage(3, TOKEN, signal, 1000);
    expect(fake.calls[0]?.url).toMatch(/\?page=3&pagelimit=1000$/);
    expect(result).toMatchObject({ body: { kind: 'parsed', value: { page: 3, limit: 1000 } } });
  });

  it('keeps status, Retry-After, Date and a 1 KB sample for the classifier', async () => {
    const body = `<html>${'x'.repeat(5000)}</html>`;
    const headers = { 'retry-after': '7', date: 'Thu, 26 Nov 2026 12:00:00 GMT' };
    const { client } = clientWith([
      () => textResponse(body, { status: 429, statusText: 'Too Many Requests', headers }),
    ]);
    const result = await client.fetchScanDetailsPage(1, TOKEN, signal);
    expect(result).toMatchObject({
      kind: 'http',
      status: 429,
      statusText: 'Too Many Requests',
      retryAfter: '7',
      date: 'Thu, 26 Nov 2026 12:00:00 GMT',
      contentType: 'text/html;charset=UTF-8',
      body: { kind: 'not_json', html: true },
    });
    expect(result.kind === 'http' && result.bodySample).toBe(body.slice(0, 1024));
  });

  it('redacts PII before the 1 KB cut, so an address straddling the cut keeps nothing (D27)', async () => {
    // "erin.jones@e" ends exactly at char 1024: cutting first left the local part unrecognisable.
    const body = `${'x'.repeat(1011)} erin.jones@example.com and more`;
    expect(body.slice(0, 1024).endsWith('erin.jones@e')).toBe(true);
    const { client } = clientWith([() => textResponse(body, { status: 500 })]);
    const result = await client.fetchScanDetailsPage(1, TOKEN, signal);
    const sample = result.kind === 'http' ? result.bodySample : '';
    expect(sample.length).toBeLessThanOrEqual(1024);
    expect(sample.startsWith('x'.repeat(1011))).toBe(true);
    expect(sample).not.toContain('erin');
    expect(redactText(sample, { scrub: (text: string) => text })).not.toContain('erin');
  });

  it('reports a body over the cap without parsing it', async () => {
    const { client } = clientWith([() => textResponse('{"a":"' + 'x'.repeat(100) + '"}')], {
      maxBodyBytes: 50,
    });
    expect(await client.fetchScanDetailsPage(1, TOKEN, signal)).toMatchObject({
      kind: 'http',
      bodySample: '',
      body: { kind: 'too_large', limitBytes: 50 },
    });
  });

  it('paces every request start-to-start', async () => {
    const clock = new FakeClock();
    const fake = createFakeFetch([() => textResponse(''), () => textResponse('')]);
    const client = createApiClient({
      baseUrl: 'https://pmp.test',
      http: fake.http,
      pacer: createPacer(clock, 250),
      ...API_CLIENT_DEFAULTS,
    });
    await client.fetchScanDetailsPage(1, TOKEN, signal);
    await client.fetchScanDetailsPage(2, TOKEN, signal);
    expect(clock.sleeps).toEqual([250]);
  });

  it('rethrows the caller abort reason instead of reporting a transport failure', async () => {
    const controller = new AbortController();
    const reason = new Error('SIGTERM');
    const { client } = clientWith([
      () => {
        controller.abort(reason);
        return new TypeError('fetch failed');
      },
    ]);
    await expect(client.fetchScanDetailsPage(1, TOKEN, controller.signal)).rejects.toBe(reason);
  });

  it('looks one system up by id with resid only, parsed as page 1 with every digit of the id (D85)', async () => {
    const id = '52549000000186017';
    const { client, fake } = clientWith([
      () =>
        textResponse(
          `{"message_type":"scandetails","message_response":{"total":1,"limit":25,"page":1,` +
            `"scandetails":[{"resource_id":${id},"resource.name":"pc-7"}]},"status":"success"}`,
        ),
    ]);
    const result = await client.fetchScanDetailsById(id, TOKEN, signal);
    expect(fake.calls[0]?.url).toBe(`https://pmp.test/api/1.4/patch/scandetails?resid=${id}`);
    expect(fake.calls[0]?.headers['authorization']).toBe(`Zoho-oauthtoken ${TOKEN}`);
    expect(result).toMatchObject({
      kind: 'http',
      status: 200,
      body: { kind: 'parsed', value: { page: 1, total: 1, ids: [id] } },
    });
  });

  it('fetches server properties', async () => {
    const { client, fake } = clientWith([
      () =>
        jsonResponse({
          message_type: 'serverproperties',
          message_response: { serverproperties: { branch_offices: ['Head Office', 7], domains: ['CORP'] } },
        }),
    ]);
    const result = await client.fetchServerProperties(TOKEN, signal);
    expect(fake.calls[0]?.url).toBe('https://pmp.test/api/1.4/desktop/serverproperties');
    expect(result).toMatchObject({
      body: {
        kind: 'parsed',
        value: { branchOffices: ['Head Office'], domains: ['CORP'], customGroups: [] },
      },
    });
  });
});

describe('createApiClient: invalid UTF-8 (D51)', () => {
  it('answers a page whose body is not UTF-8 as invalid JSON (json_parse_error), with a readable sample', async () => {
    const text = JSON.stringify(scanDetailsPayload({ page: 1, total: 1, records: [{ resource_id: 1 }] }));
    const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0xc3, 0x28])]);
    const { client } = clientWith([() => new Response(bytes, { status: 200 })]);
    const result = await client.fetchScanDetailsPage(1, TOKEN, signal);
    expect(result).toMatchObject({
      kind: 'http',
      body: { kind: 'invalid', reason: 'response body is not valid UTF-8' },
    });
    expect(result.kind === 'http' ? result.bodySample : '').toContain('resource_id');
  });
});
