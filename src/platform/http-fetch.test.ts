import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, listen } from '../../test/support/test-server.ts';
import { createHttpClient } from './http-client.ts';
import type { HttpClient } from './http-client.ts';
import { createTextFetch } from './http-fetch.ts';

const clients: HttpClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await closeServers();
});

function textFetch(
  options: Parameters<typeof createTextFetch>[1] = { timeoutMs: 30_000, maxBodyBytes: 1024 * 1024 },
): ReturnType<typeof createTextFetch> {
  const client = createHttpClient();
  clients.push(client);
  return createTextFetch(client, options);
}

describe('createTextFetch', () => {
  it('posts a form and reads status, ok, headers and text like fetch', async () => {
    const url = await listen((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ got: body, method: req.method }));
      });
    });
    const response = await textFetch()(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token',
    });
    expect([response.status, response.ok, response.headers.get('content-type')]).toEqual([
      200,
      true,
      'application/json',
    ]);
    expect(JSON.parse(await response.text())).toEqual({ got: 'grant_type=refresh_token', method: 'POST' });
  });

  it("never follows a redirect, as the token endpoint's redirect: 'manual' asks", async () => {
    let requests = 0;
    const url = await listen((_req, res) => {
      requests += 1;
      res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
    });
    const response = await textFetch()(url, { redirect: 'follow' });
    expect([response.status, response.ok, requests]).toEqual([302, false, 1]);
  });

  it('applies its own timeout and body cap', async () => {
    const url = await listen((req, res) => {
      if (req.url === '/big') res.end('x'.repeat(2000));
    });
    const fetchText = textFetch({ timeoutMs: 100, maxBodyBytes: 1000 });
    await expect(fetchText(`${url}/stall`)).rejects.toMatchObject({ code: 'ETIMEDOUT', timedOut: true });
    const big = await fetchText(`${url}/big`);
    await expect(big.text()).rejects.toThrow('response body over 1000 bytes');
  });
});

describe('a stalled body in a process with nothing else to do', () => {
  it('settles as a timeout: the timer keeps Node alive until then, it never exits silently', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' }).write('{"stalled":');
    });
    const clientModule = fileURLToPath(new URL('./http-client.ts', import.meta.url));
    const script = `
      const { createHttpClient } = await import(${JSON.stringify(clientModule)});
      const client = createHttpClient();
      try {
        await client.request({ url: ${JSON.stringify(url)}, timeoutMs: 300, maxBodyBytes: 1e6 });
        console.log('resolved');
      } catch (error) {
        console.log(error.code, error.httpStatus);
      } finally {
        client.close();
      }`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 30_000 },
    );
    expect(stdout.trim()).toBe('ETIMEDOUT 200');
  });
});
