/**
 * Hostile transport, property-based (D62): gzip, deflate and brotli faults, truncated and stalled bodies
 * served over real HTTP (keep-alive connections reused from one case to the next) to the API client on
 * the node:http client, as production builds it. Every request settles as a classified result within its
 * timeout; none hangs and none throws.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.ts';
import { createHttpClient, ERROR_TYPES } from '../../src/platform/index.ts';
import { classifyAttempt } from '../../src/retry/classify.ts';
import { createPacer } from '../../src/retry/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { pageArbitrary } from '../support/json-page-arbitraries.ts';

type Encoding = 'gzip' | 'deflate' | 'br';
type Fault = 'none' | 'truncated' | 'flipped' | 'plain_as_encoded' | 'short_content_length' | 'stall';

interface Served {
  encoding: Encoding;
  fault: Fault;
  text: string;
  at: number;
}

const TIMEOUT_MS = 200;
let server: Server;
let url: string;
let current: Served | null = null;

function compress(encoding: Encoding, text: string): Buffer {
  if (encoding === 'gzip') return gzipSync(text);
  if (encoding === 'deflate') return deflateSync(text);
  return brotliCompressSync(text);
}

function bodyOf(served: Served): Buffer {
  const packed = compress(served.encoding, served.text);
  switch (served.fault) {
    case 'truncated':
      return packed.subarray(0, served.at % packed.length);
    case 'flipped': {
      const copy = Buffer.from(packed);
      const at = served.at % copy.length;
      copy.writeUInt8((copy.readUInt8(at) ^ 0x5a) & 0xff, at);
      return copy;
    }
    case 'plain_as_encoded':
      return Buffer.from(served.text);
    default:
      return packed;
  }
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    const served = current;
    if (served === null) {
      res.writeHead(500).end();
      return;
    }
    const body = bodyOf(served);
    const declared = served.fault === 'short_content_length' ? body.length + 100 : body.length;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Encoding': served.encoding,
      'Content-Length': String(declared),
    });
    if (served.fault === 'stall') {
      res.write(body.subarray(0, body.length >> 1)); // and nothing more: the client's timeout ends it
      return;
    }
    if (served.fault === 'short_content_length') {
      res.write(body);
      setTimeout(() => res.destroy(), 5);
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const served: fc.Arbitrary<Served> = fc.record({
  encoding: fc.constantFrom<Encoding>('gzip', 'deflate', 'br'),
  fault: fc.constantFrom<Fault>(
    'none',
    'truncated',
    'flipped',
    'plain_as_encoded',
    'short_content_length',
    'stall',
  ),
  text: pageArbitrary.map((page) => page.text),
  at: fc.nat(),
});

describe('encoded, truncated and stalled bodies over real HTTP (2,000 per run)', () => {
  it('every request settles as a classified result within its timeout', async () => {
    const http = createHttpClient();
    const client = createApiClient({
      baseUrl: url,
      http,
      pacer: createPacer(new FakeClock(), 0),
      timeoutMs: TIMEOUT_MS,
      maxBodyBytes: 1024 * 1024,
      pageSize: 25,
    });
    const faults = new Set<string>();
    await fc.assert(
      fc.asyncProperty(served, async (answer) => {
        current = answer;
        const startedMs = Date.now();
        const attempt = await client.fetchScanDetailsPage(1, 'token', new AbortController().signal);
        expect(Date.now() - startedMs).toBeLessThan(TIMEOUT_MS + 1000);
        const classified = classifyAttempt(attempt, { nowMs: Date.now() });
        if (classified.kind === 'failure') {
          expect(ERROR_TYPES).toContain(classified.failure.errorType);
          if (answer.fault === 'stall') expect(classified.failure.errorType).toBe('network_timeout');
          faults.add(answer.fault);
        }
      }),
      { numRuns: 2000, seed: 41 },
    );
    http.close();
    expect(faults.has('stall') && faults.has('truncated')).toBe(true);
  }, 300_000);
});
