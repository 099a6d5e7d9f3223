import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** Sleeps `delayMs`; resolves false (instead of throwing) when the simulator closes first. */
export async function pause(delayMs: number, signal: AbortSignal): Promise<boolean> {
  if (delayMs <= 0) return !signal.aborted;
  try {
    await delay(delayMs, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

/** Writes a chunk and waits for the socket to drain if needed; false once the client is gone. */
export async function writeChunk(res: ServerResponse, chunk: string | Buffer): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const onDrain = (): void => {
      res.off('close', onClose);
      resolve(true);
    };
    const onClose = (): void => {
      res.off('drain', onDrain);
      resolve(false);
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Reads a small request body (form posts, Slack messages) as UTF-8; capped at 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    sizeBytes += chunk.length;
    if (sizeBytes > 1_048_576) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
