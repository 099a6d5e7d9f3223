/**
 * A fetch-shaped adapter over HttpClient for the callers that only need a status and a text body (the
 * token endpoint, the Slack outbox). It does not build a WHATWG Response: constructing one loads
 * undici (about 12 MB resident). Redirects are never followed, whatever `init.redirect` says (the
 * token endpoint asks for 'manual'; a webhook redirect is an answer too). Body and timeout are capped
 * here as well, so a caller that forgets its own timeout still cannot hang.
 */
import type { HttpClient } from './http-client.ts';
import type { FetchLike } from './http.ts';

export interface TextFetchOptions {
  /** Whole-request timeout, ms (the caller's Config or LIMITS value). */
  timeoutMs: number;
  /** Body cap, bytes: a token answer or a webhook reply is a few hundred bytes (LIMITS). */
  maxBodyBytes: number;
}

export function createTextFetch(client: Pick<HttpClient, 'request'>, options: TextFetchOptions): FetchLike {
  const { timeoutMs, maxBodyBytes } = options;
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
        : body.kind === 'not_utf8'
          ? Promise.reject(new TypeError('response body is not valid UTF-8'))
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
