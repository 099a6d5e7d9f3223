/**
 * Pieces of the node:http client's answer: header lookup, and the body decoded as strict UTF-8.
 */
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

/** fatal: a bad byte is reported rather than becoming U+FFFD inside an id or a column (D51). */
export function decodeUtf8(bytes: Buffer): HttpBody {
  try {
    return {
      kind: 'complete',
      text: new TextDecoder('utf-8', { fatal: true }).decode(bytes),
      bytes: bytes.byteLength,
    };
  } catch {
    return { kind: 'not_utf8', lossyText: new TextDecoder().decode(bytes), bytes: bytes.byteLength };
  }
}
