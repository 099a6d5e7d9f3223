import { getEventListeners } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, listen } from '../../test/support/test-server.ts';
import { createHttpClient, HttpRequestError, type HttpClient, type HttpRequest } from '../platform/index.ts';
import { describeTransportError } from './transport-error.ts';

const clients: HttpClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await closeServers();
});

function client(): HttpClient {
  const created = createHttpClient();
  clients.push(created);
  return created;
}

const BASE = { timeoutMs: 2000, maxBodyBytes: 1024 * 1024 } as const;

async function failure(promise: Promise<unknown>): Promise<HttpRequestError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof HttpRequestError)) throw error;
  return error;
}

/**
 * The platform HTTP client's failures as the API client maps them (this test lives in api/ because
 * platform/ imports nothing above it). The TransportFailure api-client would report for this rejection. */
function failureKind(error: HttpRequestError, timeoutMs: number = BASE.timeoutMs): string {
  return describeTransportError(error, { timedOut: error.timedOut, timeoutMs, httpStatus: error.httpStatus })
    .failure;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server that also records the client port of each request (same port = same socket). */
async function serve(handler: Handler): Promise<{ url: string; ports: number[] }> {
  const ports: number[] = [];
  const url = await listen((req, res) => {
    ports.push(req.socket.remotePort ?? -1);
    handler(req, res);
  });
  return { url, ports };
}

describe('createHttpClient: answers', () => {
  it('returns status, reason, headers and the body; sends method, headers and a body', async () => {
    const seen: unknown[] = [];
    const { url } = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push([req.method, req.headers['authorization'], req.headers['content-length'], body]);
        res.setHeader('x-multi', ['a', 'b']);
        res.writeHead(201, 'Made', { 'content-type': 'text/plain' }).end('héllo');
      });
    });
    const request: HttpRequest = {
      ...BASE,
      url,
      method: 'POST',
      headers: { Authorization: 'T' },
      body: 'a=é',
    };
    const response = await client().request(request);
    expect([response.status, response.statusText, response.headers.get('Content-Type')]).toEqual([
      201,
      'Made',
      'text/plain',
    ]);
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(response.headers.get('x-absent')).toBeNull();
    expect(response.body).toEqual({ kind: 'complete', text: 'héllo', bytes: 6 });
    expect(seen).toEqual([['POST', 'T', '4', 'a=é']]);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const)('decodes %s', async (encoding, encode) => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': encoding }).end(encode(Buffer.from('{"a":1}')));
    });
    expect((await client().request({ ...BASE, url })).body).toEqual({
      kind: 'complete',
      text: '{"a":1}',
      bytes: 7,
    });
  });

  it('returns a redirect as it is and never follows it', async () => {
    const { url, ports } = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end('moved');
    });
    const response = await client().request({ ...BASE, url });
    expect([response.status, response.headers.get('location')]).toEqual([
      302,
      'http://127.0.0.1:1/elsewhere',
    ]);
    expect(ports).toHaveLength(1);
  });

  it('reuses one keep-alive socket for sequential requests', async () => {
    const { url, ports } = await serve((_req, res) => res.end('ok'));
    const http = client();
    for (let i = 0; i < 3; i += 1) await http.request({ ...BASE, url });
    expect(new Set(ports).size).toBe(1);
    expect(ports).toHaveLength(3);
  });
});

describe('createHttpClient: body cap', () => {
  it('refuses a declared Content-Length over the cap without reading', async () => {
    const { url } = await serve((_req, res) =>
      res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)),
    );
    const response = await client().request({ ...BASE, url, maxBodyBytes: 1000 });
    expect(response.body).toEqual({ kind: 'too_large', bytesRead: 0, limitBytes: 1000 });
  });

  it('stops a chunked body past the cap and tears the connection down', async () => {
    let closed = false;
    const { url } = await serve((_req, res) => {
      res.on('close', () => (closed = true));
      const timer = setInterval(() => res.write('x'.repeat(400)), 5);
      res.on('close', () => {
        clearInterval(timer);
      });
    });
    const response = await client().request({ ...BASE, url, maxBodyBytes: 1000 });
    expect(response.body).toMatchObject({ kind: 'too_large', limitBytes: 1000 });
    expect(response.body.kind === 'too_large' && response.body.bytesRead).toBeGreaterThan(1000);
    await expect.poll(() => closed).toBe(true);
  });

  it('caps the decoded size, not the compressed one (a gzip bomb stops at the cap)', async () => {
    const bomb = gzipSync(Buffer.alloc(5_000_000));
    const { url } = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    const response = await client().request({ ...BASE, url, maxBodyBytes: 100_000 });
    expect(response.body.kind).toBe('too_large');
  });
});

describe('createHttpClient: timeouts and aborts', () => {
  it('times out when headers never come', async () => {
    const { url } = await serve(() => undefined);
    const error = await failure(client().request({ ...BASE, url, timeoutMs: 100 }));
    expect([error.code, error.timedOut, error.httpStatus, failureKind(error, 100)]).toEqual([
      'ETIMEDOUT',
      true,
      null,
      'timeout',
    ]);
    expect(error.message).toBe('request timed out after 100 ms');
  });

  it('times out on a body that stalls after the headers (the timer covers the body)', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' }).write('{"partial":');
    });
    const error = await failure(client().request({ ...BASE, url, timeoutMs: 150 }));
    expect([error.code, error.httpStatus, failureKind(error, 150)]).toEqual(['ETIMEDOUT', 200, 'timeout']);
  });

  it('rejects with the signal reason on abort, and removes its listener after every request', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/slow') return;
      res.end('ok');
    });
    const controller = new AbortController();
    const http = client();
    await http.request({ ...BASE, url, signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const pending = http.request({ ...BASE, url: `${url}/slow`, signal: controller.signal });
    const reason = new Error('SIGTERM');
    setTimeout(() => {
      controller.abort(reason);
    }, 20);
    await expect(pending).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(http.request({ ...BASE, url, signal: controller.signal })).rejects.toBe(reason);
  });
});

describe('createHttpClient: broken connections', () => {
  it('maps a refused connection', async () => {
    const { url } = await serve(() => undefined);
    await closeServers();
    const error = await failure(client().request({ ...BASE, url }));
    expect([error.code, failureKind(error)]).toEqual(['ECONNREFUSED', 'connection_refused']);
  });

  it('maps a reset before the headers', async () => {
    const { url } = await serve((req) => req.socket.destroy());
    const error = await failure(client().request({ ...BASE, url }));
    expect([error.code, error.httpStatus, failureKind(error)]).toEqual([
      'ECONNRESET',
      null,
      'connection_reset',
    ]);
  });

  it('maps a body cut short after the headers', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' }).write('{"partial":', () => res.socket?.destroy());
    });
    const error = await failure(client().request({ ...BASE, url }));
    expect([error.code, error.httpStatus, failureKind(error)]).toEqual(['ECONNRESET', 200, 'truncated_body']);
  });

  it.each([
    ['garbage', Buffer.from('this is not gzip at all')],
    ['truncated', gzipSync(Buffer.from('x'.repeat(10_000))).subarray(0, 40)],
  ])(
    'settles a complete but corrupt gzip body (%s) on a reused keep-alive socket as an error',
    async (_label, corrupt) => {
      let served = 0;
      const { url, ports } = await serve((_req, res) => {
        served += 1;
        const body = served === 2 ? corrupt : gzipSync(Buffer.from('fine'));
        res
          .writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(body.byteLength) })
          .end(body);
      });
      const http = client();
      expect((await http.request({ ...BASE, url })).body).toMatchObject({ text: 'fine' });
      const error = await failure(http.request({ ...BASE, url }));
      expect([error.httpStatus, failureKind(error), error.timedOut]).toEqual([200, 'truncated_body', false]);
      expect(error.code).toMatch(/^Z_/);
      // The HTTP framing was complete, so the socket is clean and may be reused; the next request works.
      expect((await http.request({ ...BASE, url })).body).toMatchObject({ text: 'fine' });
      expect(ports[1]).toBe(ports[0]);
    },
  );

  it('settles corrupt gzip mid-body at once (not at the timeout) and never reuses that socket', async () => {
    let served = 0;
    const { url, ports } = await serve((_req, res) => {
      served += 1;
      if (served === 2) {
        res.writeHead(200, { 'content-encoding': 'gzip' }).write('not gzip, and the body never ends');
        return;
      }
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.from('fine')));
    });
    const http = client();
    await http.request({ ...BASE, url });
    const started = performance.now();
    const error = await failure(http.request({ ...BASE, url, timeoutMs: 5000 }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect([error.httpStatus, error.timedOut, failureKind(error, 5000)]).toEqual([
      200,
      false,
      'truncated_body',
    ]);
    expect((await http.request({ ...BASE, url })).body).toMatchObject({ text: 'fine' });
    expect(ports[1]).toBe(ports[0]);
    expect(ports[2]).not.toBe(ports[1]);
  });
});
