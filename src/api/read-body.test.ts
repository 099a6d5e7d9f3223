import type { RequestListener } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, listen } from '../../test/support/test-server.ts';
import { readBodyCapped } from './read-body.ts';

const MB = 1024 * 1024;

afterEach(closeServers);

/** Streams `totalBytes` in 64 KB chunks with backpressure; reports how much it managed to write. */
function streamingHandler(totalBytes: number, sent: { bytes: number; closed: boolean }): RequestListener {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }); // no content-length: the cap must work while streaming
    res.on('close', () => {
      sent.closed = true;
    });
    const pump = (): void => {
      while (sent.bytes < totalBytes && !sent.closed) {
        sent.bytes += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!sent.closed) res.end();
    };
    pump();
  };
}

const memoryMb = (): number => {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / MB;
};

describe('readBodyCapped', () => {
  async function readCapped(totalBytes: number, maxBytes: number) {
    const sent = { bytes: 0, closed: false };
    const url = await listen(streamingHandler(totalBytes, sent));
    const controller = new AbortController();
    const baselineMb = memoryMb();
    let peakMb = baselineMb;
    const sampler = setInterval(() => {
      peakMb = Math.max(peakMb, memoryMb());
    }, 1);
    const response = await fetch(url, { signal: controller.signal });
    const result = await readBodyCapped(response, {
      maxBytes,
      abortRequest: () => {
        controller.abort();
      },
    });
    clearInterval(sampler);
    peakMb = Math.max(peakMb, memoryMb());
    await expect.poll(() => sent.closed).toBe(true);
    return { result, sent, aborted: controller.signal.aborted, growthMb: peakMb - baselineMb };
  }

  it('cuts a 50 MB streamed body off near the 10 MB cap and stops the server', async () => {
    const { result, sent, aborted } = await readCapped(50 * MB, 10 * MB);
    expect(result.kind).toBe('too_large');
    const bytesRead = result.kind === 'too_large' ? result.bytesRead : 0;
    expect(bytesRead).toBeGreaterThan(10 * MB);
    expect(bytesRead).toBeLessThan(11 * MB);
    expect(aborted).toBe(true);
    expect(sent.bytes).toBeLessThan(25 * MB); // the connection was torn down, not drained
  });

  it('memory tracks the cap, not the body: 50 MB streamed against a 1 MB cap', async () => {
    const { result, sent, growthMb } = await readCapped(50 * MB, MB);
    expect(result).toMatchObject({ kind: 'too_large', limitBytes: MB });
    expect(sent.bytes).toBeLessThan(25 * MB); // the cap plus socket buffers in flight, not the 50 MB
    expect(growthMb).toBeLessThan(15); // buffering the body would need > 50 MB
  });

  it('refuses a declared Content-Length above the cap without reading', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': String(20 * MB) });
      res.write('x');
    });
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    let aborted = false;
    const result = await readBodyCapped(response, {
      maxBytes: 10 * MB,
      abortRequest: () => {
        aborted = true;
        controller.abort();
      },
    });
    expect(result).toEqual({ kind: 'too_large', bytesRead: 0, limitBytes: 10 * MB });
    expect(aborted).toBe(true);
  });

  it('returns small bodies whole, decoding UTF-8 split across chunks', async () => {
    const text = `{"name":"${'é'.repeat(40_000)}"}`;
    const url = await listen((_req, res) => {
      const bytes = Buffer.from(text);
      res.write(bytes.subarray(0, 10_001)); // splits a 2-byte character
      res.end(bytes.subarray(10_001));
    });
    const result = await readBodyCapped(await fetch(url), { maxBytes: MB, abortRequest: () => undefined });
    expect(result).toEqual({ kind: 'complete', text, bytes: Buffer.byteLength(text) });
  });

  it('reads a body-less response as empty', async () => {
    const result = await readBodyCapped(new Response(null, { status: 204 }), {
      maxBytes: 10,
      abortRequest: () => undefined,
    });
    expect(result).toEqual({ kind: 'complete', text: '', bytes: 0 });
  });
});

describe('readBodyCapped: invalid UTF-8 (D51)', () => {
  const options = { maxBytes: MB, abortRequest: () => undefined };

  it('reports a body with invalid UTF-8 instead of replacing the bytes with U+FFFD', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"resource_id":"12'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('3"}'),
    ]);
    const read = await readBodyCapped(new Response(bytes), options);
    expect(read.kind).toBe('not_utf8');
    // The sample for the log keeps the readable part.
    expect(read.kind === 'not_utf8' ? read.lossyText : '').toContain('{"resource_id":"12');
  });

  it('decodes valid UTF-8, multi-byte characters included', async () => {
    const read = await readBodyCapped(new Response(Buffer.from('{"name":"Zoë ✓"}')), options);
    expect(read).toEqual({ kind: 'complete', text: '{"name":"Zoë ✓"}', bytes: 19 });
  });
});
