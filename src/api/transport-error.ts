/**
 * Map a fetch / body-stream rejection to a TransportFailure (dependencies gotcha 8, undici 6 shapes):
 * refused → `fetch failed` + cause ECONNREFUSED; reset before headers → cause UND_ERR_SOCKET or
 * ECONNRESET; a body cut short → `terminated` + UND_ERR_SOCKET. The message is built from codes only:
 * undici messages never carry headers, and we add no URL, so the token cannot leak through here.
 */
import { errorCodeOf } from '../platform/index.ts';
import type { TransportAttempt, TransportFailure } from './attempt-result.ts';

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

const DESCRIPTIONS: Readonly<Record<TransportFailure, string>> = {
  timeout: 'request timed out',
  connection_refused: 'connection refused',
  connection_reset: 'connection reset',
  truncated_body: 'response body truncated',
  network_error: 'network error',
};

export interface TransportContext {
  timedOut: boolean;
  timeoutMs: number;
  /** Status of the response whose body failed; null when headers never arrived. */
  httpStatus: number | null;
}

export function describeTransportError(error: unknown, context: TransportContext): TransportAttempt {
  const code = errorCodeOf(causeOf(error)) ?? errorCodeOf(error);
  let failure: TransportFailure;
  if (context.timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    failure = 'timeout';
  } else if (code === 'ECONNREFUSED') {
    failure = 'connection_refused';
  } else if (context.httpStatus !== null) {
    failure = 'truncated_body';
  } else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    failure = 'connection_reset';
  } else {
    failure = 'network_error';
  }
  const detail = failure === 'timeout' ? `after ${context.timeoutMs} ms` : code === null ? '' : `(${code})`;
  const message = [DESCRIPTIONS[failure], detail].filter((part) => part !== '').join(' ');
  return { kind: 'transport', failure, message, httpStatus: context.httpStatus };
}
