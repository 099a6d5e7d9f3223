/**
 * The one error the node:http client rejects with (other than the caller's abort reason). It carries
 * an errno-style `code` where api/transport-error.ts looks for one, whether headers had arrived
 * (`httpStatus`), and whether the whole-request timer fired. The message is built from codes only:
 * never a URL, a header or a body, so no token can leak through it.
 */
export class HttpRequestError extends Error {
  override readonly name = 'HttpRequestError';
  /** ETIMEDOUT (our timer), ECONNRESET (also a body cut short), ECONNREFUSED, Z_DATA_ERROR, … */
  readonly code: string;
  /** Status of the response whose body failed; null when headers never arrived. */
  readonly httpStatus: number | null;
  readonly timedOut: boolean;

  constructor(
    code: string,
    message: string,
    details: { httpStatus: number | null; timedOut?: boolean; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.httpStatus = details.httpStatus;
    this.timedOut = details.timedOut ?? false;
  }
}

function errnoCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** Wraps a socket, TLS or zlib error; an HttpRequestError passes through unchanged. */
export function toHttpRequestError(error: unknown, httpStatus: number | null): HttpRequestError {
  if (error instanceof HttpRequestError) return error;
  const code = errnoCode(error) ?? 'ERR_NETWORK';
  const phase = httpStatus === null ? 'request failed' : 'response body failed';
  return new HttpRequestError(code, `${phase} (${code})`, { httpStatus, cause: error });
}
