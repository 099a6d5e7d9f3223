import {
  HttpRequestError,
  type FetchLike,
  type HttpClient,
  type HttpResponse,
  type TextRequestInit,
} from '../../src/platform/index.ts';

/** One request as the fake saw it. Header names are lower-cased. */
interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  signal: AbortSignal | null;
}

/**
 * One scripted answer: a Response (or factory, since a Response body can be read once) to resolve
 * with, or an Error to reject with (e.g. `new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })`).
 */
export type ScriptStep =
  Response | Error | ((request: RecordedRequest) => Response | Error | Promise<Response | Error>);

export interface FakeFetch {
  fetch: FetchLike;
  /**
   * The same script behind the node:http client's shape (what the API client takes): the body is
   * capped like the real client does (Content-Length first, then the decoded length).
   */
  http: Pick<HttpClient, 'request'>;
  /** Every request in order, including ones that got an Error. */
  calls: RecordedRequest[];
  /** Steps not yet consumed. */
  remaining(): number;
}

function recordHeaders(init: TextRequestInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/**
 * A scripted fetch: the n-th call gets the n-th step; a call past the end rejects, so an unexpected
 * extra request fails the test. An already-aborted signal rejects with its reason, like real fetch.
 */
export function createFakeFetch(script: readonly ScriptStep[]): FakeFetch {
  const calls: RecordedRequest[] = [];
  let next = 0;
  const answer = async (input: string | URL, init?: TextRequestInit): Promise<Response> => {
    const request: RecordedRequest = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: recordHeaders(init),
      signal: init?.signal ?? null,
    };
    calls.push(request);
    const step = script[next];
    next += 1;
    if (step === undefined)
      throw new Error(`fake fetch: unexpected request #${calls.length} to ${request.url}`);
    request.signal?.throwIfAborted();
    const result = typeof step === 'function' ? await step(request) : step;
    if (result instanceof Error) throw result;
    return result;
  };
  const http: FakeFetch['http'] = {
    async request(request) {
      const response = await answer(request.url, {
        ...(request.method === undefined ? {} : { method: request.method }),
        ...(request.headers === undefined ? {} : { headers: request.headers }),
        signal: request.signal ?? null,
      });
      return toHttpResponse(response, request.maxBodyBytes, request.timeoutMs);
    },
  };
  return { fetch: answer, http, calls, remaining: () => script.length - next };
}

async function toHttpResponse(
  response: Response,
  maxBodyBytes: number,
  timeoutMs: number,
): Promise<HttpResponse> {
  const head = { status: response.status, statusText: response.statusText, headers: response.headers };
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBodyBytes)
    return { ...head, body: { kind: 'too_large', bytesRead: 0, limitBytes: maxBodyBytes } };
  const raw = Buffer.from(await withTimeout(response, timeoutMs));
  const bytes = raw.byteLength;
  if (bytes > maxBodyBytes)
    return { ...head, body: { kind: 'too_large', bytesRead: bytes, limitBytes: maxBodyBytes } };
  // Decoded as the real client does (D51): invalid UTF-8 is reported, not replaced.
  try {
    return {
      ...head,
      body: { kind: 'complete', text: new TextDecoder('utf-8', { fatal: true }).decode(raw), bytes },
    };
  } catch {
    return { ...head, body: { kind: 'not_utf8', lossyText: new TextDecoder().decode(raw), bytes } };
  }
}

/** Response options with plain-object headers (merged over the default content type). */
export type FakeResponseInit = Omit<ResponseInit, 'headers'> & { headers?: Record<string, string> };

/** A JSON response (PMP sends text/plain for JSON; the client must not care). */
export function jsonResponse(body: unknown, init: FakeResponseInit = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...init.headers },
  });
}

export function textResponse(text: string, init: FakeResponseInit = {}): Response {
  return new Response(text, {
    status: 200,
    ...init,
    headers: { 'content-type': 'text/html;charset=UTF-8', ...init.headers },
  });
}

export interface ScanDetailsPayloadOptions {
  page: number;
  total: number | string;
  limit?: number;
  records: unknown[];
  /** Array key; default `scandetails`. */
  key?: string;
}

/** A scandetails success envelope as JSON text. */
export function scanDetailsPayload(options: ScanDetailsPayloadOptions): string {
  const key = options.key ?? 'scandetails';
  return JSON.stringify({
    message_type: key,
    message_version: '1.4',
    status: 'success',
    message_response: {
      total: options.total,
      limit: options.limit ?? 25,
      page: options.page,
      [key]: options.records,
    },
  });
}

/** A transport error shaped like undici's (`fetch failed` with a coded cause). */
export function fetchFailed(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

/** The body within the whole-request timeout, as the real client enforces it: a stalled body times out. */
async function withTimeout(response: Response, timeoutMs: number): Promise<ArrayBuffer> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void response.body?.cancel().catch(() => undefined);
      reject(
        new HttpRequestError('ETIMEDOUT', `request timed out after ${timeoutMs} ms`, {
          httpStatus: response.status,
          timedOut: true,
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([response.arrayBuffer(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
