/**
 * The secrets a run must never print: access tokens, the refresh token, the client secret and the
 * Slack webhook URL (decision D3). Every string that leaves the process through a log line, the gaps
 * table or a Slack message goes through `scrub`, so a secret that slipped into an error message or a
 * URL is still replaced.
 */
const REDACTED = '[redacted]';

/** Shorter values are ignored: replacing "abc" everywhere would shred ordinary text, not protect it. */
const MIN_SECRET_CHARS = 4;

/**
 * A cut secret is still a leak: a message that quotes `value.slice(0, 40)` of a 70-char refresh
 * token gives most of it away. So for opaque secrets (tokens: no `/`, `:` or spaces) at least
 * FRAGMENT_MIN_SECRET_CHARS long, a prefix or suffix of FRAGMENT_CHARS or more is replaced too.
 * URLs are left out: their scheme and host prefix are shared by ordinary URLs in the same text.
 */
const FRAGMENT_CHARS = 12;
const FRAGMENT_MIN_SECRET_CHARS = 20;

export class SecretRegistry {
  private readonly forms = new Set<string>();
  /** Longest first, so a secret that contains another one is replaced whole. */
  private ordered: readonly string[] = [];
  /** Opaque secrets whose cut-off prefixes and suffixes are replaced as well. */
  private readonly opaque = new Set<string>();
  /**
   * Every string whose presence means `scrub` may change a text: the forms, and the first and last
   * FRAGMENT_CHARS of each opaque secret (any fragment scrub replaces contains one of those).
   */
  private needles: readonly string[] = [];

  /** Registers a secret and the encoded forms it takes inside URLs, form bodies and JSON text. */
  add(secret: string | null | undefined): void {
    if (secret === null || secret === undefined || secret.length < MIN_SECRET_CHARS) return;
    for (const form of encodedForms(secret)) this.forms.add(form);
    this.ordered = [...this.forms].sort((a, b) => b.length - a.length);
    if (secret.length >= FRAGMENT_MIN_SECRET_CHARS && !/[\s/:]/.test(secret)) this.opaque.add(secret);
    const fragments = [...this.opaque].flatMap((s) => [s.slice(0, FRAGMENT_CHARS), s.slice(-FRAGMENT_CHARS)]);
    // A needle that contains another one is redundant: wherever it occurs, the shorter one does.
    const all = [...new Set([...this.forms, ...fragments])];
    this.needles = all.filter((needle) => !all.some((other) => other !== needle && needle.includes(other)));
  }

  /**
   * False when `scrub` would return `text` unchanged (no secret, form or fragment occurs in it). One
   * scan per needle, so a caller with many short strings can test them joined once (D91).
   */
  mayContain(text: string): boolean {
    return this.needles.some((needle) => text.includes(needle));
  }

  /** Number of distinct forms registered (a secret counts once per distinct encoding). */
  get size(): number {
    return this.forms.size;
  }

  /** Replaces every registered secret, in any of its encoded forms, with `[redacted]`. */
  scrub(text: string): string {
    if (!this.mayContain(text)) return text;
    let result = text;
    for (const form of this.ordered) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
    for (const secret of this.opaque) result = scrubSuffixes(scrubPrefixes(result, secret), secret);
    return result;
  }
}

/** Replaces every run of text that is the start of `secret` (FRAGMENT_CHARS or longer). */
function scrubPrefixes(text: string, secret: string): string {
  const head = secret.slice(0, FRAGMENT_CHARS);
  let result = text;
  for (let at = result.indexOf(head); at !== -1; at = result.indexOf(head, at + REDACTED.length)) {
    let length = FRAGMENT_CHARS;
    while (length < secret.length && result[at + length] === secret[length]) length += 1;
    result = result.slice(0, at) + REDACTED + result.slice(at + length);
  }
  return result;
}

/** Replaces every run of text that is the end of `secret` (FRAGMENT_CHARS or longer). */
function scrubSuffixes(text: string, secret: string): string {
  const tail = secret.slice(-FRAGMENT_CHARS);
  let result = text;
  for (let at = result.lastIndexOf(tail); at !== -1;) {
    let start = at;
    let length = FRAGMENT_CHARS;
    while (length < secret.length && start > 0 && result[start - 1] === secret[secret.length - length - 1]) {
      start -= 1;
      length += 1;
    }
    result = result.slice(0, start) + REDACTED + result.slice(at + FRAGMENT_CHARS);
    at = start === 0 ? -1 : result.lastIndexOf(tail, start - 1);
  }
  return result;
}

function encodedForms(secret: string): string[] {
  const uriEncoded = encodeURIComponent(secret);
  return [
    secret,
    uriEncoded,
    // Percent-encoders disagree on hex case; %2f and %2F must both be caught.
    uriEncoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    // application/x-www-form-urlencoded: spaces become "+".
    new URLSearchParams({ v: secret }).toString().slice(2),
    // The secret as it appears inside a JSON string literal (quotes and backslashes escaped).
    JSON.stringify(secret).slice(1, -1),
  ].filter((form) => form.length >= MIN_SECRET_CHARS);
}
