/**
 * The fetch-shaped port the token endpoint and the Slack outbox use: a status and a text body, no
 * WHATWG Response (building one loads undici, about 12 MB resident). platform/http-fetch.ts implements
 * it over the node:http client; unit tests script it (a real Response fits this shape).
 */

/** The part of a Response those callers read. */
interface TextResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The part of RequestInit those callers pass (a RequestInit literal fits). */
export interface TextRequestInit {
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  signal?: AbortSignal | null;
  /** Ignored by createTextFetch, which never follows a redirect; kept so a call states its intent. */
  redirect?: 'manual' | 'error' | 'follow';
}

export type FetchLike = (input: string | URL, init?: TextRequestInit) => Promise<TextResponse>;
