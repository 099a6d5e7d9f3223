import { isIPv6 } from 'node:net';

/** What redactText needs of the secret registry (observability's SecretRegistry): remove known secrets. */
interface SecretScrubber {
  scrub(text: string): string;
}

/** Response samples and free text are cut to 1 KB (D8), counted in UTF-16 chars. */
export const SAMPLE_MAX_CHARS = 1024;

/**
 * Redaction looks at this much of the input before the 1 KB cut. Redacting first means a cut can
 * never leave half an address the patterns no longer recognise; the window keeps a 10 MB body cheap.
 */
const REDACT_WINDOW_CHARS = 4096;

/** An address is at most 254 chars (RFC 5321 path limit); a cut address lies inside this tail. */
const MAX_ADDRESS_CHARS = 256;

/**
 * The separators an address takes raw, URL-encoded or JSON-escaped (once or twice, `\\u0040`) inside
 * a response sample (D27): `@`, `.` and `:` respectively.
 */
const AT = String.raw`(?:@|%40|\\+u0040)`;
const DOT = String.raw`(?:\.|%2[Ee]|\\+u002[Ee])`;
const COLON = '(?::|%3[Aa])';

/**
 * Starts only at the beginning of a run of local-part chars: linear time on long runs without "@".
 * Letters and digits of any script (internationalised addresses); `%` and `\` so an encoded dot in the
 * local part (`erin%2Ejones`, `erin\u002ejones`) stays inside the match.
 */
const EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+\\-])[\p{L}\p{N}._%+\\-]+${AT}[\p{L}\p{N}-]+(?:${DOT}[\p{L}\p{N}-]+)+`,
  'gu',
);

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_DOT = '(?:\\.|%2[Ee])';
/** Not inside a longer dotted number (versions, OIDs), so 1.2.3.4.5 is left alone. */
const IPV4 = new RegExp(
  `(?<![\\d.]|%2[Ee])${IPV4_OCTET}(?:${IPV4_DOT}${IPV4_OCTET}){3}(?!${IPV4_DOT}?\\d)`,
  'g',
);

/**
 * IPv6 candidates: hex groups joined by colons (raw or `%3A`), optionally ending in an embedded IPv4
 * and a zone. The look-behind keeps matches from starting mid-token (the "17:30:00" inside an ISO
 * timestamp), and every candidate is then checked with net.isIPv6, so clock times such as 12:30:45
 * stay intact.
 */
const IPV6_CANDIDATE = new RegExp(
  String.raw`(?<![\w:.])(?:[0-9A-Fa-f]{0,4}${COLON}){2,7}` +
    String.raw`(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?:%[\w.]+)?(?![\w:])`,
  'g',
);

/** Trailing characters an address could be made of: stripped when the window cut through them. */
const ADDRESS_TAIL = /[\w.%+\-@:\\]*$/;

/** Replaces email addresses and IPv4 / IPv6 addresses with `[email]`, `[ipv4]`, `[ipv6]`. */
export function redactPii(text: string): string {
  return text.replace(EMAIL, '[email]').replace(IPV6_CANDIDATE, redactIpv6Candidate).replace(IPV4, '[ipv4]');
}

function redactIpv6Candidate(candidate: string): string {
  const address = candidate.replace(/%3A/gi, ':').replace(/%[\w.]+$/, '');
  if (isIPv6(address)) return '[ipv6]';
  // "fe80::1:" at the end of a sentence or before a port: the address without its last colon.
  if (address.endsWith(':') && !address.endsWith('::') && isIPv6(address.slice(0, -1))) {
    return '[ipv6]:';
  }
  return candidate;
}

/** Emails and IP addresses redacted first, then the text cut to 1 KB. `null` stays `null`. */
export function sanitizeSample(text: string | null): string | null {
  if (text === null) return null;
  return redactPii(redactionWindow(text, false)).slice(0, SAMPLE_MAX_CHARS);
}

/**
 * The rule for every string that is logged or stored: registered secrets removed, then PII
 * redacted, then cut to 1 KB. Used by the event logger and for the gaps table's response_sample.
 */
export function redactText(text: string, secrets: SecretScrubber): string {
  // Scrub twice the window: a secret (< 4 KB) straddling that cut starts beyond the window anyway.
  const scrubbed = secrets.scrub(text.slice(0, 2 * REDACT_WINDOW_CHARS));
  const wasCut = text.length > 2 * REDACT_WINDOW_CHARS;
  return redactPii(redactionWindow(scrubbed, wasCut)).slice(0, SAMPLE_MAX_CHARS);
}

/**
 * The head of the text that is redacted. When anything was cut off (here or by the caller), the
 * run of address characters at the cut is dropped: it may be half an email or IP address.
 */
function redactionWindow(text: string, alreadyCut: boolean): string {
  if (!alreadyCut && text.length <= REDACT_WINDOW_CHARS) return text;
  const head = text.slice(0, REDACT_WINDOW_CHARS - MAX_ADDRESS_CHARS);
  const tail = text.slice(REDACT_WINDOW_CHARS - MAX_ADDRESS_CHARS, REDACT_WINDOW_CHARS);
  return head + tail.replace(ADDRESS_TAIL, '');
}
