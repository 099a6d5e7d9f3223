/**
 * Pieces of the node:http client's answer: header lookup, and the body decoded as strict UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpBody, HttpResponse } from './http-client.ts';

export function readHeaders(headers: IncomingHttpHeaders): HttpResponse['headers'] {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

const BOM = '\uFEFF';
/** Bytes kept for the lossy text of a body that is not UTF-8: the sample is cut far below it (D27). */
const LOSSY_HEAD_BYTES = 64 * 1024;

/**
 * The body decoded chunk by chunk as it arrives (D133), never joined into one Buffer first: a page of
 * 1000 records is a 1.7 MB Buffer.concat, and allocations that big raise glibc's mmap threshold, after
 * which they fragment the malloc heap (measured in bench/results.md). Each chunk is cut at its last
 * whole character (an incomplete one moves on to the next chunk), checked with buffer.isUtf8 and
 * decoded on its own: cut there, the pieces are valid exactly when the whole body is. (A streaming
 * TextDecoder would do it too, but on Node 20 it goes through ICU and returns two-byte strings: twice
 * the memory.) Strict: a bad byte is reported rather than becoming U+FFFD inside an id or a column
 * (D51). For that rare body only its head is kept (LOSSY_HEAD_BYTES), whose lossy text is all the log
 * sample needs. A leading byte order mark is dropped, as TextDecoder does.
 */
export class Utf8BodyDecoder {
  readonly #chunks: Buffer[] = [];
  readonly #pieces: string[] = [];
  /** The start of a character the previous chunk ended in the middle of. */
  #carry: Buffer | null = null;
  #bytes = 0;
  #valid = true;

  get bytes(): number {
    return this.#bytes;
  }

  push(chunk: Buffer): void {
    if (this.#bytes < LOSSY_HEAD_BYTES) this.#chunks.push(chunk);
    this.#bytes += chunk.byteLength;
    if (!this.#valid) return;
    const joined = this.#carry === null ? chunk : Buffer.concat([this.#carry, chunk]);
    const cut = wholeCharactersEnd(joined);
    this.#carry = cut === joined.byteLength ? null : joined.subarray(cut);
    this.#decode(joined.subarray(0, cut));
  }

  /** Lets go of what was read (a body over the cap is not decoded). */
  discard(): void {
    this.#chunks.length = 0;
    this.#pieces.length = 0;
    this.#carry = null;
  }

  finish(): HttpBody {
    // A character cut off by the end of the body is not UTF-8 either.
    if (this.#carry !== null) this.#valid = false;
    if (this.#valid) {
      const text = this.#pieces.join('');
      return { kind: 'complete', text: text.startsWith(BOM) ? text.slice(1) : text, bytes: this.#bytes };
    }
    const lossy = new TextDecoder();
    const text = this.#chunks.map((chunk) => lossy.decode(chunk, { stream: true })).join('') + lossy.decode();
    return { kind: 'not_utf8', lossyText: text, bytes: this.#bytes };
  }

  #decode(part: Buffer): void {
    if (part.byteLength === 0) return;
    if (isUtf8(part)) this.#pieces.push(part.toString('utf8'));
    else this.#valid = false;
  }
}

/**
 * Where the last whole character of `bytes` ends: before a lead byte whose sequence runs past the
 * end, else at the end (a malformed tail is left for isUtf8 to reject).
 */
export function wholeCharactersEnd(bytes: Uint8Array): number {
  const end = bytes.byteLength;
  for (let index = end - 1; index >= 0 && index >= end - 4; index -= 1) {
    const byte = bytes[index] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return index + length > end ? index : end;
  }
  return end;
}
