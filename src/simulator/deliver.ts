import type { ServerResponse } from 'node:http';
import {
  AUTH_ERROR_TEXT,
  CORRUPT_PAGE,
  HTML_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  THROTTLE_PAGE,
  dailyQuotaText,
  htmlErrorPage,
  jsonErrorText,
} from './bodies.ts';
import type { Fault } from './faults.ts';
import { pause, sendText } from './http-io.ts';
import type { SimState } from './sim-state.ts';
import { sendHuge, sendStalled, sendTruncated } from './stream-faults.ts';

const DAY_MS = 86_400_000;

interface FixedAnswer {
  status: number;
  contentType: string;
  text: string;
  headers?: Record<string, string>;
}

/** The status line a fault produces (0: no response at all), for the request log. */
export function faultStatus(fault: Fault | null, state: SimState): number {
  switch (fault?.kind) {
    case 'status':
      return fault.status;
    case 'rate_limit':
      return 429;
    case 'daily_quota':
      return fault.status ?? 429;
    case 'reset':
      return 0;
    case 'auth_error':
      return authStatus(state);
    default:
      return 200;
  }
}

function authStatus(state: SimState): number {
  return state.settings.authFailure === '401' ? 401 : 200;
}

export function sendAuthFailure(res: ServerResponse, state: SimState): void {
  sendText(res, authStatus(state), JSON_CONTENT_TYPE, AUTH_ERROR_TEXT);
}

function retryAfterHeader(mode: 'seconds' | 'http-date', retryAfterS: number, nowMs: number): string {
  return mode === 'seconds' ? String(retryAfterS) : new Date(nowMs + retryAfterS * 1000).toUTCString();
}

/** Faults answered by one complete response; null for the ones that play with time or the socket. */
function fixedAnswer(fault: Fault | null, okText: string, state: SimState): FixedAnswer | null {
  const { piiInErrors: pii } = state.settings;
  const ok = (text: string, contentType = JSON_CONTENT_TYPE): FixedAnswer => ({
    status: 200,
    contentType,
    text,
  });
  switch (fault?.kind) {
    case undefined:
    case 'total_as_string':
    case 'records_under_computers':
      return ok(okText);
    case 'status':
      return fault.body === 'html'
        ? { status: fault.status, contentType: HTML_CONTENT_TYPE, text: htmlErrorPage(fault.status, pii) }
        : {
            status: fault.status,
            contentType: JSON_CONTENT_TYPE,
            text: jsonErrorText(fault.status, pii, fault.errorCode, fault.errorDescription),
          };
    case 'rate_limit': {
      const header = retryAfterHeader(fault.retryAfter, fault.retryAfterS ?? 2, state.nowMs());
      return {
        status: 429,
        contentType: JSON_CONTENT_TYPE,
        text: jsonErrorText(429, pii),
        headers: { 'Retry-After': header },
      };
    }
    case 'daily_quota': {
      const untilMidnightS = Math.ceil((DAY_MS - (state.nowMs() % DAY_MS)) / 1000);
      const headers = fault.retryAfter === false ? {} : { 'Retry-After': String(untilMidnightS) };
      return {
        status: fault.status ?? 429,
        contentType: JSON_CONTENT_TYPE,
        text: dailyQuotaText(pii),
        headers,
      };
    }
    case 'html_throttle':
      return ok(THROTTLE_PAGE, HTML_CONTENT_TYPE);
    case 'html_corrupt':
      return ok(CORRUPT_PAGE, HTML_CONTENT_TYPE);
    case 'empty_body':
      return ok('');
    case 'json_parse':
      // Starts like the envelope, then a token no JSON parser accepts.
      return ok(`${okText.slice(0, -1)},"server_note":undefined}`);
    case 'auth_error':
      return { status: authStatus(state), contentType: JSON_CONTENT_TYPE, text: AUTH_ERROR_TEXT };
    default:
      return null;
  }
}

/**
 * Answers with `okText` shaped by `fault`. Faults that change the envelope itself (total as string,
 * records under `computers`) were applied by the caller when it built `okText`.
 */
export async function deliver(
  res: ServerResponse,
  fault: Fault | null,
  okText: string,
  state: SimState,
): Promise<void> {
  const fixed = fixedAnswer(fault, okText, state);
  if (fixed) {
    sendText(res, fixed.status, fixed.contentType, fixed.text, fixed.headers);
    return;
  }
  switch (fault?.kind) {
    case 'reset':
      res.socket?.resetAndDestroy();
      return;
    case 'slow_first_byte':
      if (await pause(fault.delayMs ?? state.settings.slowFirstByteMs, state.closing)) {
        sendText(res, 200, JSON_CONTENT_TYPE, okText);
      } else res.destroy();
      return;
    case 'truncated_json':
      sendTruncated(res, okText, fault.transport === true);
      return;
    case 'stall_body':
      await sendStalled(res, okText, fault.stallMs, state.closing);
      return;
    case 'huge_body':
      await sendHuge(res, okText, fault.bytes);
      return;
  }
}
