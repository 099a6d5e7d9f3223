/** The subset of the WHATWG fetch API the extractor depends on; injected so unit tests can script it. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;
