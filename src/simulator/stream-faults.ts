import type { ServerResponse } from 'node:http';
import { JSON_CONTENT_TYPE } from './bodies.ts';
import { pause, sendText, writeChunk } from './http-io.ts';

const HUGE_CHUNK_BYTES = 65_536;

function contentLength(text: string): string {
  return Buffer.byteLength(text).toString();
}

/** 60% of the envelope: as a complete short message, or (`transport`) a declared full length then a close. */
export function sendTruncated(res: ServerResponse, okText: string, transport: boolean): void {
  const cut = okText.slice(0, Math.floor(okText.length * 0.6));
  if (!transport) {
    sendText(res, 200, JSON_CONTENT_TYPE, cut);
    return;
  }
  res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': contentLength(okText) });
  res.write(cut, () => res.destroy());
}

/** Headers and half the body, a stall of `stallMs`, then the rest (or a close if the simulator stops). */
export async function sendStalled(
  res: ServerResponse,
  okText: string,
  stallMs: number,
  closing: AbortSignal,
): Promise<void> {
  const half = Math.floor(okText.length / 2);
  res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': contentLength(okText) });
  res.write(okText.slice(0, half));
  if (await pause(stallMs, closing)) res.end(okText.slice(half));
  else res.destroy();
}

/**
 * A valid envelope with a leading `padding` member, about `bytes` long, streamed chunk by chunk with
 * back-pressure (chunked encoding, no Content-Length): the server never holds the body in memory.
 */
export async function sendHuge(res: ServerResponse, okText: string, bytes: number): Promise<void> {
  const head = '{"padding":"';
  const tail = `",${okText.slice(1)}`;
  let paddingBytes = Math.max(0, bytes - head.length - Buffer.byteLength(tail));
  res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE });
  if (!(await writeChunk(res, head))) return;
  const chunk = Buffer.alloc(HUGE_CHUNK_BYTES, 'x');
  while (paddingBytes > 0) {
    const sizeBytes = Math.min(paddingBytes, HUGE_CHUNK_BYTES);
    if (!(await writeChunk(res, chunk.subarray(0, sizeBytes)))) return;
    paddingBytes -= sizeBytes;
  }
  res.end(tail);
}
