/**
 * The secrets a run must never print: access tokens, the refresh token, the client secret and the
 * Slack webhook URL (decision D3). Every string that leaves the process through a log line, the gaps
 * table or a Slack message goes through `scrub`, so a secret that slipped into an error message or a
 * URL is still replaced.
 */
export const REDACTED = '[redacted]';

/** Shorter values are ignored: replacing "abc" everywhere would shred ordinary text, not protect it. */
export const MIN_SECRET_CHARS = 4;

export class SecretRegistry {
  private readonly forms = new Set<string>();
  /** Longest first, so a secret that contains another one is replaced whole. */
  private ordered: readonly string[] = [];

  /** Registers a secret and the encoded forms it takes inside URLs, form bodies and JSON text. */
  add(secret: string | null | undefined): void {
    if (secret === null || secret === undefined || secret.length < MIN_SECRET_CHARS) return;
    for (const form of encodedForms(secret)) this.forms.add(form);
    this.ordered = [...this.forms].sort((a, b) => b.length - a.length);
  }

  /** Number of distinct forms registered (a secret counts once per distinct encoding). */
  get size(): number {
    return this.forms.size;
  }

  /** Replaces every registered secret, in any of its encoded forms, with `[redacted]`. */
  scrub(text: string): string {
    let result = text;
    for (const form of this.ordered) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
    return result;
  }
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
