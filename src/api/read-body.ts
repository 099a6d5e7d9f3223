/**
 * Read a response body with a byte cap, in constant memory beyond the cap (dependencies gotcha 9).
 * Never `res.text()` on an untrusted size: a declared Content-Length above the cap is refused at once,
 * otherwise the stream is counted chunk by chunk and, past the cap, the reader is cancelled and the
 * request aborted so the socket stops delivering. Stream errors (timeout, truncation) are thrown.
 */

export type BodyReadResult =
  | { kind: 'complete'; text: string; bytes: number }
  /** `bytesRead` is what was consumed before stopping (0 when Content-Length alone decided). */
  | { kind: 'too_large'; bytesRead: number; limitBytes: number }
  /** D51: bytes that are not UTF-8; `lossyText` (U+FFFD for bad bytes) is only for the log sample. */
  | { kind: 'not_utf8'; lossyText: string; bytes: number };

export interface ReadBodyOptions {
  /** Cap, bytes (Config.maxBodyBytes). */
  maxBytes: number;
  /** Aborts the underlying request so the connection is torn down, not drained. */
  abortRequest: () => void;
}

function concat(chunks: readonly Uint8Array[], totalBytes: number): Uint8Array {
  const joined = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

export async function readBodyCapped(response: Response, options: ReadBodyOptions): Promise<BodyReadResult> {
  const { maxBytes, abortRequest } = options;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    abortRequest();
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'too_large', bytesRead: 0, limitBytes: maxBytes };
  }
  if (response.body === null) return { kind: 'complete', text: '', bytes: 0 };

  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      chunks.length = 0;
      await reader.cancel().catch(() => undefined);
      abortRequest();
      return { kind: 'too_large', bytesRead: bytes, limitBytes: maxBytes };
    }
    chunks.push(value);
  }
  const joined = concat(chunks, bytes);
  try {
    // fatal: a bad byte throws rather than becoming U+FFFD inside an id or a column (D51).
    return { kind: 'complete', text: new TextDecoder('utf-8', { fatal: true }).decode(joined), bytes };
  } catch {
    return { kind: 'not_utf8', lossyText: new TextDecoder().decode(joined), bytes };
  }
}
