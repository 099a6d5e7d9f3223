/**
 * One pass over a page's JSON text before `JSON.parse` (D73). Outside strings, it notes every integer
 * that lossless-json would keep as a LosslessNumber (above 2^53): quoteUnsafe turns each into a string
 * starting with UNSAFE_MARKER (U+0000: never raw in JSON, and a `\u0000` escape makes the scan fall
 * back), so `JSON.parse` keeps all its digits. It also records where each element of each array under
 * `message_response` starts and ends, so a record's `raw_json` is the exact slice received, and each
 * record can be parsed on its own (D136). Anything it cannot handle with certainty is a fallback reason:
 * the caller then uses the lossless path, whose output is the reference.
 */
export const UNSAFE_MARKER = '\u0000';

export type FallbackReason =
  | 'not-json'
  | 'replacement-character'
  | 'nul-escape'
  | 'number-form'
  | 'number-key'
  | 'deep-nesting'
  | 'syntax'
  | 'duplicate-keys'
  | 'records-span'
  | 'inherited-key';

export type ScanResult =
  | {
      kind: 'scanned';
      /** [start, end) offsets of each integer to quote before JSON.parse, in input order. */
      unsafe: readonly number[];
      /** Object members seen; JSON.parse keeps fewer only when a key repeats. */
      memberCount: number;
      /** Array key under message_response → [start, end) offsets of each element in the input. */
      spans: ReadonlyMap<string, readonly number[]>;
    }
  | { kind: 'fallback'; reason: FallbackReason };

/** lossless-json recurses per level; deeper input than this goes to it as today (its own errors). */
const MAX_DEPTH = 64;
/**
 * lossless-json keeps an integer as a number iff Number.isSafeInteger(parseInt(text)): always true up
 * to 15 digits, never from 17 (at least 10^16 > 2^53 - 1, leading zeros being refused), and for 16
 * digits decided by the same test.
 */
const ALWAYS_SAFE_DIGITS = 15;
const NEVER_SAFE_DIGITS = 17;

const OBJECT = 1;
const ARRAY = 2;
/** Container roles: the root object, message_response, an array directly under message_response. */
const ROLE_NONE = 0;
const ROLE_ROOT = 1;
const ROLE_RESPONSE = 2;
const ROLE_RECORDS = 3;

/** Index of the quote that closes the string opened at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close > 0) {
    let back = close - 1;
    while (text.charCodeAt(back) === 0x5c) back -= 1;
    if ((close - 1 - back) % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return -1;
}

function decodeKey(text: string, open: number, close: number): string | null {
  const raw = text.slice(open + 1, close);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return null;
  }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

export function scanDigitSafe(text: string): ScanResult {
  if (text.includes('\\u0000')) return { kind: 'fallback', reason: 'nul-escape' };
  const kinds: number[] = [];
  const roles: number[] = [];
  const spans = new Map<string, number[]>();
  const unsafe: number[] = [];
  let memberCount = 0;
  let expectKey = false;
  let memberKey: string | null = null;
  let recordSpans: number[] = [];
  let elementStart = -1;
  let lastEnd = 0;
  /** Role of the innermost open container (ROLE_NONE at top level). */
  let role = ROLE_NONE;
  let inObject = false;
  let i = 0;
  const fail = (reason: FallbackReason): ScanResult => ({ kind: 'fallback', reason });
  const closeElement = (): void => {
    if (elementStart >= 0) recordSpans.push(elementStart, lastEnd);
    elementStart = -1;
  };

  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
      i += 1;
      continue;
    }
    if (code === 0x2c /* , */) {
      if (role === ROLE_RECORDS) closeElement();
      expectKey = inObject;
      i += 1;
      continue;
    }
    if (code === 0x3a /* : */) {
      i += 1;
      continue;
    }
    if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      const kind = kinds.pop();
      roles.pop();
      if (kind !== (code === 0x7d ? OBJECT : ARRAY)) return fail('syntax');
      if (role === ROLE_RECORDS) closeElement();
      role = roles.length === 0 ? ROLE_NONE : (roles[roles.length - 1] ?? ROLE_NONE);
      inObject = kinds[kinds.length - 1] === OBJECT;
      expectKey = false;
      i += 1;
      lastEnd = i;
      continue;
    }
    if (code === 0x22 /* " */ && expectKey) {
      const close = stringEnd(text, i);
      if (close < 0) return fail('syntax');
      memberCount += 1;
      if (role === ROLE_ROOT || role === ROLE_RESPONSE) {
        memberKey = decodeKey(text, i, close);
        if (memberKey === null) return fail('syntax');
      }
      expectKey = false;
      // Skip the colon that nearly always follows at once (JSON.parse checks the grammar anyway).
      i = text.charCodeAt(close + 1) === 0x3a ? close + 2 : close + 1;
      continue;
    }
    // Everything below starts a value.
    if (expectKey) return code === 0x2d || isDigit(code) ? fail('number-key') : fail('syntax');
    if (role === ROLE_RECORDS && elementStart < 0) elementStart = i;
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      const kind = code === 0x7b ? OBJECT : ARRAY;
      if (kinds.length >= MAX_DEPTH) return fail('deep-nesting');
      let childRole = ROLE_NONE;
      if (kinds.length === 0 && kind === OBJECT) childRole = ROLE_ROOT;
      else if (role === ROLE_ROOT && kind === OBJECT && memberKey === 'message_response') {
        childRole = ROLE_RESPONSE;
      } else if (role === ROLE_RESPONSE && kind === ARRAY && memberKey !== null) {
        if (spans.has(memberKey)) return fail('duplicate-keys');
        recordSpans = [];
        spans.set(memberKey, recordSpans);
        childRole = ROLE_RECORDS;
      }
      kinds.push(kind);
      roles.push(childRole);
      role = childRole;
      inObject = kind === OBJECT;
      expectKey = kind === OBJECT;
      i += 1;
      continue;
    }
    if (code === 0x22) {
      const close = stringEnd(text, i);
      if (close < 0) return fail('syntax');
      i = close + 1;
    } else if (code === 0x2d || isDigit(code)) {
      const start = i;
      const digitsStart = code === 0x2d ? i + 1 : i;
      let end = digitsStart;
      while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
      const next = text.charCodeAt(end);
      if (next === 0x2e || next === 0x65 || next === 0x45) return fail('number-form');
      const digits = end - digitsStart;
      if (digits === 0) return fail('syntax');
      if (text.charCodeAt(digitsStart) === 0x30 && (digits > 1 || code === 0x2d)) return fail('number-form');
      if (digits > ALWAYS_SAFE_DIGITS) {
        const token = text.slice(start, end);
        if (digits >= NEVER_SAFE_DIGITS || !Number.isSafeInteger(Number(token))) unsafe.push(start, end);
      }
      i = end;
    } else if (code >= 0x61 && code <= 0x7a) {
      while (i < text.length && text.charCodeAt(i) >= 0x61 && text.charCodeAt(i) <= 0x7a) i += 1;
    } else {
      return fail('syntax');
    }
    lastEnd = i;
  }
  if (kinds.length !== 0) return fail('syntax');
  return { kind: 'scanned', unsafe, memberCount, spans };
}

/** Index of the first token in `unsafe` (start, end pairs) that starts at or after `from`. */
function firstTokenFrom(unsafe: readonly number[], from: number): number {
  let low = 0;
  let high = unsafe.length / 2;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((unsafe[middle * 2] ?? 0) < from) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `text.slice(from, to)` ready for JSON.parse: each unsafe integer inside it quoted behind UNSAFE_MARKER
 * (as the escape `\u0000`, which JSON.parse decodes to the marker). Tokens never straddle `from` or `to`:
 * they are whole numbers, and slices end between values.
 */
export function quoteUnsafe(text: string, from: number, to: number, unsafe: readonly number[]): string {
  let token = firstTokenFrom(unsafe, from);
  let start = unsafe[token * 2];
  if (start === undefined || start >= to) return text.slice(from, to);
  const pieces: string[] = [];
  let copied = from;
  while (start !== undefined && start < to) {
    const end = unsafe[token * 2 + 1] ?? start;
    pieces.push(text.slice(copied, start), '"\\u0000', text.slice(start, end), '"');
    copied = end;
    token += 1;
    start = unsafe[token * 2];
  }
  pieces.push(text.slice(copied, to));
  return pieces.join('');
}
