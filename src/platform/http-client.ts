/**
 * A small HTTP/1.1 client on node:http / node:https, instead of global fetch (issue 11): fetch loads
 * undici and compiles its WebAssembly parser (about 15 MB resident, and a spike while it compiles).
 * Kept from the fetch-based client: a whole-request timeout, body included, on a ref'd timer (a stalled
 * body can never let Node exit silently with the request pending); a body cap checked against
 * Content-Length and then while streaming; redirects returned as they are, never followed; abort on
 * the caller's signal with one listener removed on settle (no per-request AbortSignal.any, which leaks
 * on Node 20); keep-alive sockets; gzip / deflate / br decoding where a corrupt stream settles as an
 * error and its socket is destroyed, never reused. It never throws for an HTTP status; it rejects
 * with HttpRequestError for transport problems, or with the signal's reason when the caller aborts.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { readHeaders, Utf8BodyDecoder } from './http-body.ts';
import { HttpRequestError, toHttpRequestError } from './http-request-error.ts';

export interface HttpRequest {
  url: string | URL;
  /** Default GET. */
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** Whole request, connect to last body byte, ms. */
  timeoutMs: number;
  /** Decoded body bytes beyond which the request is torn down and `too_large` returned. */
  maxBodyBytes: number;
  signal?: AbortSignal | undefined;
}

export type HttpBody =
  | { kind: 'complete'; text: string; bytes: number }
  /** `bytesRead` is what was consumed before stopping (0 when Content-Length alone decided). */
  | { kind: 'too_large'; bytesRead: number; limitBytes: number }
  /** D51: bytes that are not UTF-8; `lossyText` (U+FFFD for bad bytes) covers the first
   *  64 KiB at least and is only for the log sample. */
  | { kind: 'not_utf8'; lossyText: string; bytes: number };

export interface HttpResponse {
  status: number;
  /** Reason phrase ('' when the server sends none). */
  statusText: string;
  /** Case-insensitive; repeated headers joined with ", " as fetch does. */
  headers: { get(name: string): string | null };
  body: HttpBody;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Closes idle keep-alive sockets (end of run). */
  close(): void;
}

export interface HttpClientOptions {
  /** Idle keep-alive sockets kept per host. Default 4 (the extractor runs one request at a time). */
  maxFreeSockets?: number;
}

/** The decoded body stream; null for an encoding we do not know (then the bytes are passed as is). */
function decoded(response: IncomingMessage): Readable {
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null;
  return decoder === null ? response : response.pipe(decoder);
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const agentOptions = { keepAlive: true, maxFreeSockets: options.maxFreeSockets ?? 4 };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

  function request(input: HttpRequest): Promise<HttpResponse> {
    const { signal, timeoutMs, maxBodyBytes } = input;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason as Error);
        return;
      }
      const url = new URL(input.url);
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        reject(
          new HttpRequestError('ERR_INVALID_PROTOCOL', 'only http: and https: URLs', { httpStatus: null }),
        );
        return;
      }
      const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...input.headers };
      if (input.body !== undefined) headers['content-length'] = String(Buffer.byteLength(input.body));
      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(url, {
        method: input.method ?? 'GET',
        headers,
        agent: secure ? agents.https : agents.http,
      });
      let httpStatus: number | null = null;
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      /** Settles with `error` and destroys the socket: a half-read response is never reused. */
      const fail = (error: unknown): void => {
        const failure = toHttpRequestError(error, httpStatus);
        settle(() => {
          reject(failure);
        });
        outgoing.destroy();
      };
      // Ref'd on purpose: while a request is pending the process stays up until this fires.
      const timer = setTimeout(() => {
        fail(
          new HttpRequestError('ETIMEDOUT', `request timed out after ${timeoutMs} ms`, {
            httpStatus,
            timedOut: true,
          }),
        );
      }, timeoutMs);
      const onAbort = (): void => {
        settle(() => {
          reject(signal?.reason as Error);
        });
        outgoing.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      outgoing.on('error', fail);
      outgoing.on('response', (response) => {
        httpStatus = response.statusCode ?? 0;
        const head = {
          status: httpStatus,
          statusText: response.statusMessage ?? '',
          headers: readHeaders(response.headers),
        };
        const tooLarge = (bytesRead: number): void => {
          settle(() => {
            resolve({ ...head, body: { kind: 'too_large', bytesRead, limitBytes: maxBodyBytes } });
          });
          outgoing.destroy();
        };
        const declared = Number(response.headers['content-length'] ?? Number.NaN);
        if (Number.isFinite(declared) && declared > maxBodyBytes) {
          tooLarge(0);
          return;
        }
        const body = decoded(response);
        const decoder = new Utf8BodyDecoder();
        response.on('error', fail);
        // A socket closed before the last byte: IncomingMessage does not always emit 'error' for it.
        response.on('close', () => {
          if (!response.complete)
            fail(new HttpRequestError('ECONNRESET', 'response body truncated (ECONNRESET)', { httpStatus }));
        });
        if (body !== response) body.on('error', fail);
        body.on('data', (chunk: Buffer) => {
          if (decoder.bytes + chunk.byteLength > maxBodyBytes) {
            decoder.discard();
            tooLarge(decoder.bytes + chunk.byteLength);
            return;
          }
          decoder.push(chunk);
        });
        body.on('end', () => {
          settle(() => {
            resolve({ ...head, body: decoder.finish() });
          });
        });
      });
      outgoing.end(input.body);
    });
  }

  return {
    request,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
