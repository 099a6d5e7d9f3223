/**
 * A fetch-shaped adapter over HttpClient for the callers that only need a status and a text body (the
 * token endpoint, the Slack outbox). It does not build a WHATWG Response: constructing one loads
 * undici (about 12 MB resident). Redirects are never followed, whatever `init.redirect` says (the
 * token endpoint asks for 'manual'; a webhook redirect is an answer too). Body and timeout are capped
 * here as well, so a caller that forgets its own timeout still cannot hang.
 */
import type { HttpClient } from './http-client.ts';

/** The part of a Response those callers read. */
interface TextResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The part of RequestInit those callers pass (a RequestInit literal fits). */
interface TextRequestInit {
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  signal?: AbortSignal | null;
  redirect?: string;
}

export type TextFetch = (input: string | URL, init?: TextRequestInit) => Promise<TextResponse>;

export interface TextFetchOptions {
  /** Whole-request timeout, ms. Default 30000 (the API client's default). */
  timeoutMs?: number;
  /** Body cap, bytes. Default 1 MB: a token answer or a webhook reply is a few hundred bytes. */
  maxBodyBytes?: number;
}

const DEFAULT_TEXT_FETCH_TIMEOUT_MS = 30_000;
const DEFAULT_TEXT_FETCH_MAX_BYTES = 1024 * 1024;

export function createTextFetch(client: HttpClient, options: TextFetchOptions = {}): TextFetch {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TEXT_FETCH_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_TEXT_FETCH_MAX_BYTES;
  return async (input, init = {}) => {
    const response = await client.request({
      url: input,
      method: init.method ?? 'GET',
      ...(init.headers === undefined ? {} : { headers: init.headers }),
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: init.signal ?? undefined,
      timeoutMs,
      maxBodyBytes,
    });
    const { body } = response;
    const text =
      body.kind === 'complete'
        ? Promise.resolve(body.text)
        : Promise.reject(new RangeError(`response body over ${body.limitBytes} bytes`));
    // Rejections are observed only when text() is called; mark this one handled meanwhile.
    text.catch(() => undefined);
    return {
      status: response.status,
      statusText: response.statusText,
      ok: response.status >= 200 && response.status <= 299,
      headers: response.headers,
      text: () => text,
    };
  };
}
