/**
 * The PMP Cloud API client. One request per call, paced, with a whole-request timeout (headers and
 * body) and a body cap. It never throws for HTTP or transport problems: it returns an AttemptResult
 * for the classifier. It throws only when the caller's signal aborts (SIGTERM), with that reason.
 * The token travels in the Authorization header only, never in a URL or a message (D3).
 */
import { HttpRequestError, sanitizeSample, type HttpBody, type HttpClient } from '../platform/index.ts';
import type { AttemptResult, BodyOutcome } from './attempt-result.ts';
import type { ParsedPage } from './parse-page.ts';
import { parseScanDetailsPageDigitSafe } from './parse-page-digit-safe.ts';
import { parseServerProperties } from './server-properties.ts';
import type { ServerProperties } from './server-properties.ts';
import { describeTransportError } from './transport-error.ts';

/** Spaces request starts (see retry/pacer.ts); structural so api does not depend on retry. */
interface RequestPacer {
  waitTurn(signal?: AbortSignal): Promise<void>;
}

export interface ApiClientOptions {
  /** PMP API host of the data centre, e.g. https://patch.manageengine.com.au (no trailing path needed). */
  baseUrl: string;
  /** The node:http client (platform/http-client.ts); tests pass a scripted one. */
  http: Pick<HttpClient, 'request'>;
  pacer: RequestPacer;
  /** Whole-request timeout, body included, ms (Config.requestTimeoutMs). */
  timeoutMs: number;
  /** Body cap, bytes (Config.maxBodyBytes). */
  maxBodyBytes: number;
  /** `pagelimit` of a request that names none (Config.pageSize; 25 under PMP_PAGE_SIZE=auto, D74). */
  pageSize: number;
}

export interface ApiClient {
  readonly pageSize: number;
  /** `pageSize`: this request's `pagelimit` (D74's probe and big pages); default `options.pageSize`. */
  fetchScanDetailsPage(
    page: number,
    accessToken: string,
    signal: AbortSignal,
    pageSize?: number,
  ): Promise<AttemptResult<ParsedPage>>;
  /**
   * One system by id (`scandetails?resid=`, D85): the normal envelope with that system, or with an
   * empty list when it is gone. Parsed exactly as a page (page 1), so the record is normalised the same.
   */
  fetchScanDetailsById(
    resourceId: string,
    accessToken: string,
    signal: AbortSignal,
  ): Promise<AttemptResult<ParsedPage>>;
  fetchServerProperties(accessToken: string, signal: AbortSignal): Promise<AttemptResult<ServerProperties>>;
}

function bodyOutcome<T>(read: HttpBody, parse: (text: string) => BodyOutcome<T>): BodyOutcome<T> {
  switch (read.kind) {
    case 'complete':
      return parse(read.text);
    case 'not_utf8':
      return { kind: 'invalid', reason: 'response body is not valid UTF-8' };
    case 'too_large':
      return { kind: 'too_large', limitBytes: read.limitBytes };
  }
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { timeoutMs, maxBodyBytes, pageSize } = options;

  async function request<T>(
    pathAndQuery: string,
    accessToken: string,
    signal: AbortSignal,
    parse: (text: string) => BodyOutcome<T>,
  ): Promise<AttemptResult<T>> {
    await options.pacer.waitTurn(signal);
    try {
      // The client listens to `signal` itself and removes its listener on settle: no AbortSignal.any,
      // which on Node 20 kept one object per request alive for the whole run (issue 11).
      const response = await options.http.request({
        url: `${baseUrl}${pathAndQuery}`,
        headers: { Authorization: `Zoho-oauthtoken ${accessToken}`, Accept: 'application/json' },
        timeoutMs,
        maxBodyBytes,
        signal,
      });
      const read = response.body;
      const text = read.kind === 'complete' ? read.text : read.kind === 'not_utf8' ? read.lossyText : '';
      let sample: string | undefined;
      return {
        kind: 'http',
        status: response.status,
        statusText: response.statusText,
        retryAfter: response.headers.get('retry-after'),
        date: response.headers.get('date'),
        contentType: response.headers.get('content-type'),
        // D27: PII redacted before the 1 KB cut (a cut address is no longer recognisable). Computed when
        // first read: only a failed attempt reads it, and the regexes cost 3.5 ms of CPU per 1,000 systems.
        get bodySample(): string {
          sample ??= sanitizeSample(text) ?? '';
          return sample;
        },
        body: bodyOutcome(read, parse),
      };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const known = error instanceof HttpRequestError ? error : null;
      return describeTransportError(error, {
        timedOut: known?.timedOut ?? false,
        timeoutMs,
        httpStatus: known?.httpStatus ?? null,
      });
    }
  }

  return {
    pageSize,
    fetchScanDetailsPage: (page, accessToken, signal, size = pageSize) =>
      request(`/api/1.4/patch/scandetails?page=${page}&pagelimit=${size}`, accessToken, signal, (text) =>
        parseScanDetailsPageDigitSafe(text, { page, pageSize: size }),
      ),
    fetchScanDetailsById: (resourceId, accessToken, signal) =>
      request(
        `/api/1.4/patch/scandetails?resid=${encodeURIComponent(resourceId)}`,
        accessToken,
        signal,
        (text) => parseScanDetailsPageDigitSafe(text, { page: 1, pageSize }),
      ),
    fetchServerProperties: (accessToken, signal) =>
      request('/api/1.4/desktop/serverproperties', accessToken, signal, parseServerProperties),
  };
}
