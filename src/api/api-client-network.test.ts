import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, listen } from '../../test/support/test-server.ts';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { API_CLIENT_DEFAULTS } from '../../test/support/settings.ts';
import { createHttpClient, type HttpClient } from '../platform/index.ts';
import { createPacer } from '../retry/index.ts';
import { createApiClient } from './api-client.ts';

/** Real node:http on port 0 + the node:http client: the transport failures as they really happen. */
const TOKEN = 'canary-access-token-2000.xyz';

const httpClients: HttpClient[] = [];
afterEach(async () => {
  for (const http of httpClients.splice(0)) http.close();
  await closeServers();
});

function clientFor(baseUrl: string) {
  const http = createHttpClient();
  httpClients.push(http);
  return createApiClient({
    baseUrl,
    http,
    pacer: createPacer(new FakeClock(), 0),
    ...API_CLIENT_DEFAULTS,
    timeoutMs: 200,
  });
}

const signal = new AbortController().signal;

describe('createApiClient over real HTTP', () => {
  it('times out a body that stalls mid-stream (the timeout covers the body)', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5000' });
      res.write('{"message_response":{"total":');
    });
    const startedMs = Date.now();
    const result = await clientFor(url).fetchScanDetailsPage(1, TOKEN, signal);
    expect(result).toEqual({
      kind: 'transport',
      failure: 'timeout',
      message: 'request timed out after 200 ms',
      httpStatus: 200,
    });
    expect(Date.now() - startedMs).toBeLessThan(2000);
  });

  it('times out a server that never sends headers', async () => {
    const url = await listen(() => undefined);
    expect(await clientFor(url).fetchScanDetailsPage(1, TOKEN, signal)).toMatchObject({
      kind: 'transport',
      failure: 'timeout',
      httpStatus: null,
    });
  });

  it('reports a body cut short as truncated_body', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"message_response"', () => res.destroy());
    });
    expect(await clientFor(url).fetchScanDetailsPage(1, TOKEN, signal)).toMatchObject({
      kind: 'transport',
      failure: 'truncated_body',
      httpStatus: 200,
    });
  });

  it('reports a reset before headers as connection_reset', async () => {
    const url = await listen((req) => req.socket.destroy());
    expect(await clientFor(url).fetchScanDetailsPage(1, TOKEN, signal)).toMatchObject({
      kind: 'transport',
      failure: 'connection_reset',
      httpStatus: null,
    });
  });

  it('reports a closed port as connection_refused, without the token anywhere', async () => {
    const url = await listen(() => undefined);
    await closeServers(); // nothing listens on that port any more
    const result = await clientFor(url).fetchScanDetailsPage(1, TOKEN, signal);
    expect(result).toEqual({
      kind: 'transport',
      failure: 'connection_refused',
      message: 'connection refused (ECONNREFUSED)',
      httpStatus: null,
    });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('parses a real page with a text/plain content type', async () => {
    const url = await listen((req, res) => {
      expect(req.headers.authorization).toBe(`Zoho-oauthtoken ${TOKEN}`);
      res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8' });
      res.end(
        '{"message_type":"scandetails","message_response":{"total":1,"scandetails":[{"resource_id":52549000000186013}]}}',
      );
    });
    expect(await clientFor(url).fetchScanDetailsPage(1, TOKEN, signal)).toMatchObject({
      body: { kind: 'parsed', value: { records: [{ resource_id: '52549000000186013' }] } },
    });
  });
});

describe('the run-long signal', () => {
  it('holds no listener after requests settle (no per-request AbortSignal.any, D65)', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('{"message_response":{"total":0}}');
    });
    const run = new AbortController();
    const client = clientFor(url);
    for (let page = 1; page <= 5; page++) await client.fetchScanDetailsPage(page, TOKEN, run.signal);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
