import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './create-simulator.ts';
import type { Fault } from './faults.ts';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  recordsOf,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

async function setup(fault: Fault, settings = {}): Promise<{ sim: Simulator; token: string }> {
  const sim = await startSimulator({ settings: { systems: 40, pageScripts: { 1: [fault] }, ...settings } });
  return { sim, token: await getToken(sim) };
}

describe('timing and transport faults', () => {
  it('slow_first_byte trips a client timeout shorter than the delay, then the page answers normally', async () => {
    // A delay far above the fast answer, so a loaded CI machine cannot blur the two.
    const { sim, token } = await setup({ kind: 'slow_first_byte', delayMs: 2000 });
    await expect(fetchPage(sim, token, { page: 1, signal: AbortSignal.timeout(100) })).rejects.toThrow(
      /timeout|abort/i,
    );
    const startedMs = Date.now();
    expect((await fetchPage(sim, token, { page: 1, signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect(Date.now() - startedMs).toBeLessThan(1500); // well below the 2 s delay: the fault was used up
  });

  it('slow_first_byte without a delay uses the slowFirstByteMs setting', async () => {
    const { sim, token } = await setup({ kind: 'slow_first_byte' }, { slowFirstByteMs: 150 });
    const startedMs = Date.now();
    const res = await fetchPage(sim, token, { page: 1 });
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(140);
    expect(recordsOf(await res.text())).toHaveLength(25);
  });

  it('stall_body sends headers and part of the body, stalls, then completes a valid envelope', async () => {
    const { sim, token } = await setup({ kind: 'stall_body', stallMs: 1500 });
    const startedMs = Date.now();
    const res = await fetchPage(sim, token, { page: 1 });
    expect(res.status).toBe(200);
    const headersMs = Date.now() - startedMs;
    expect(headersMs).toBeLessThan(1000); // headers came before the 1.5 s stall
    const text = await res.text();
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(1450);
    expect(recordsOf(text)).toHaveLength(25);
  });

  it('stall_body times out a whole-request timeout while the body is stalled', async () => {
    const { sim, token } = await setup({ kind: 'stall_body', stallMs: 2000 });
    const res = await fetchPage(sim, token, { page: 1, signal: AbortSignal.timeout(200) });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(/timeout|abort/i);
  });

  it('reset destroys the connection before any response', async () => {
    const { sim, token } = await setup({ kind: 'reset' });
    const failure = await fetchPage(sim, token, { page: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(String((failure as TypeError & { cause?: { code?: string } }).cause?.code)).toMatch(
      /ECONNRESET|UND_ERR_SOCKET/,
    );
    expect(sim.stats().requests.find((entry) => entry.page === 1)).toMatchObject({
      status: 0,
      fault: 'reset',
    });
    expect((await fetchPage(sim, token, { page: 1 })).status).toBe(200);
  });

  it('truncated_json with transport: true declares the full length and closes early', async () => {
    const { sim, token } = await setup({ kind: 'truncated_json', transport: true });
    const res = await fetchPage(sim, token, { page: 1 });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('huge_body streams ~50 MB in chunks (no Content-Length) as a valid, padded envelope', async () => {
    const bytes = 50 * 1024 * 1024;
    const { sim, token } = await setup({ kind: 'huge_body', bytes });
    const res = await fetchPage(sim, token, { page: 1 });
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let receivedBytes = 0;
    let chunks = 0;
    let head = '';
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      receivedBytes += value.length;
      if (head.length < 40) head += Buffer.from(value.subarray(0, 40)).toString();
      tail = (tail + Buffer.from(value).toString()).slice(-200_000);
    }
    expect(receivedBytes).toBe(bytes);
    expect(chunks).toBeGreaterThan(50);
    expect(head.startsWith('{"padding":"xxxx')).toBe(true);
    // The tail is `xxx","message_type":...}`: the padding member closes, then the normal envelope follows.
    const envelope = JSON.parse(`{${tail.slice(tail.indexOf('",') + 2)}`) as unknown;
    expect(envelope).toMatchObject({ status: 'success', message_type: 'scandetails' });
  });

  it('huge_body stops streaming when the client goes away', async () => {
    const { sim, token } = await setup({ kind: 'huge_body', bytes: 200 * 1024 * 1024 });
    const controller = new AbortController();
    const res = await fetchPage(sim, token, { page: 1, signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let receivedBytes = 0;
    while (receivedBytes < 1_000_000) receivedBytes += (await reader.read()).value?.length ?? 0;
    controller.abort();
    expect((await fetchPage(sim, token, { page: 1 })).status).toBe(200);
  });
});
